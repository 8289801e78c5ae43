import Tensor

/// Recurrent layers stacked on top of each other, with dropout between them (not after the last):
///
///     y⁰ = x,    yˡ = layerₗ(dropout(yˡ⁻¹)) for l ≥ 2,   y¹ = layer₁(x)
///
/// States are ordered as PyTorch's `h_n`: layer 0 forward, layer 0 reverse, layer 1 forward, …
public final class RecurrentStack<Layer: SequenceLayer>: ParameterOwner {
    public typealias Scalar = Layer.Scalar
    public let layers: [Layer]
    public let dropout: Dropout
    /// Draws the dropout masks; seeded, so training runs are reproducible.
    public var generator: SeededGenerator

    /// Builds `count` layers with `makeLayer(inputSize, layerIndex, &generator)`; layer l > 0 reads
    /// the previous layer's output.
    public init(
        count: Int, inputSize: Int, dropout: Double = 0, generator: inout SeededGenerator,
        makeLayer: (_ inputSize: Int, _ index: Int, _ generator: inout SeededGenerator) -> Layer
    ) {
        precondition(count >= 1, "a stack needs at least one layer")
        var layers: [Layer] = []
        var width = inputSize
        for index in 0..<count {
            let layer = makeLayer(width, index, &generator)
            precondition(layer.inputSize == width, "layer \(index) reads \(layer.inputSize), gets \(width)")
            layers.append(layer)
            width = layer.outputSize
        }
        self.layers = layers
        self.dropout = Dropout(rate: dropout)
        self.generator = generator.split()
        requireUniqueParameterNames()
    }

    public var parameters: [Parameter<Scalar>] { layers.flatMap(\.parameters) }
    public var outputSize: Int { layers.last!.outputSize }
    /// Number of states: layers × directions.
    public var stateCount: Int { layers.reduce(0) { $0 + $1.directions } }

    public struct Cache {
        let layerCaches: [Layer.Cache]
        let dropoutMasks: [Matrix<Scalar>?]   // mask on the input of layer l (nil for l = 0)
    }

    public func forward(
        _ input: Matrix<Scalar>, lengths: [Int], initialStates: [Matrix<Scalar>]? = nil, training: Bool = false
    ) -> (output: Matrix<Scalar>, finalStates: [Matrix<Scalar>], cache: Cache) {
        precondition(initialStates == nil || initialStates!.count == stateCount,
                     "\(stateCount) initial states expected")
        var x = input
        var finalStates: [Matrix<Scalar>] = []
        var caches: [Layer.Cache] = []
        var masks: [Matrix<Scalar>?] = []
        var stateIndex = 0
        for (index, layer) in layers.enumerated() {
            if index > 0 {
                let dropped = dropout.forward(x, training: training, generator: &generator)
                x = dropped.output
                masks.append(dropped.mask)
            } else {
                masks.append(nil)
            }
            let states = initialStates.map { Array($0[stateIndex..<(stateIndex + layer.directions)]) }
            let result = layer.forward(x, lengths: lengths, initialStates: states)
            stateIndex += layer.directions
            x = result.output
            finalStates += result.finalStates
            caches.append(result.cache)
        }
        return (x, finalStates, Cache(layerCaches: caches, dropoutMasks: masks))
    }

    public func backward(
        outputGradient: Matrix<Scalar>, finalStateGradients: [Matrix<Scalar>]? = nil, cache: Cache
    ) -> (inputGradient: Matrix<Scalar>, initialStateGradients: [Matrix<Scalar>]) {
        var gradient = outputGradient
        var stateGradients: [[Matrix<Scalar>]] = []
        var stateIndex = stateCount
        for index in stride(from: layers.count - 1, through: 0, by: -1) {
            let layer = layers[index]
            stateIndex -= layer.directions
            let finals = finalStateGradients.map { Array($0[stateIndex..<(stateIndex + layer.directions)]) }
            let result = layer.backward(outputGradient: gradient, finalStateGradients: finals,
                                        cache: cache.layerCaches[index])
            gradient = dropout.backward(result.inputGradient, mask: cache.dropoutMasks[index])
            stateGradients.insert(result.initialStateGradients, at: 0)
        }
        return (gradient, stateGradients.flatMap { $0 })
    }
}
