import Tensor

/// What an optimizer remembers between steps: for every parameter it has updated (by name) the
/// number of updates and its state buffers (`slotNames`, e.g. `exp_avg`, `exp_avg_sq`), plus the
/// number of `step` calls.
///
/// For checkpoints the state is a set of named matrices (`tensors`) plus `stepCount`, in the
/// naming of PyTorch's optimizer `state_dict`:
///
///     "<parameter>.step"         (1, 1)  updates applied to the parameter (PyTorch's `state['step']`)
///     "<parameter>.<slot>"       the parameter's value shape, one per slot name
///
/// `restore(stepCount:tensors:parameters:)` reads them back, checking names and shapes. (A Float
/// step count is exact up to 2²⁴ updates, as PyTorch's float32 `step` tensor is.)
public struct OptimizerState<Scalar: TensorScalar>: Equatable, Sendable {
    /// The per-parameter buffers of the optimizer, in order (`["momentum_buffer"]`, ...).
    public let slotNames: [String]
    /// Completed `step` calls.
    public var stepCount: Int = 0

    @usableFromInline
    struct Entry: Equatable, Sendable {
        @usableFromInline var step: Int
        @usableFromInline let rows: Int
        @usableFromInline let cols: Int
        /// `slotNames.count` blocks of rows·cols scalars.
        @usableFromInline var slots: [Scalar]

        @inlinable
        init(step: Int, rows: Int, cols: Int, slots: [Scalar]) {
            self.step = step
            self.rows = rows
            self.cols = cols
            self.slots = slots
        }
    }

    @usableFromInline var entries: [String: Entry] = [:]

    public init(slotNames: [String]) {
        precondition(slotNames.allSatisfy { !$0.contains(".") && $0 != "step" },
                     "slot names may not contain '.' or be 'step': \(slotNames)")
        self.slotNames = slotNames
    }

    /// No parameter has been updated yet.
    public var isEmpty: Bool { entries.isEmpty }

    /// Names of the parameters that have state, sorted.
    public var parameterNames: [String] { entries.keys.sorted() }

    /// Updates applied to the parameter called `name` (0 if none).
    public func step(of name: String) -> Int { entries[name]?.step ?? 0 }

    /// The buffer `slot` of the parameter called `name`, shaped like its value.
    public func slot(_ slot: String, of name: String) -> Matrix<Scalar>? {
        guard let entry = entries[name], let k = slotNames.firstIndex(of: slot) else { return nil }
        let n = entry.rows * entry.cols
        return Matrix(rows: entry.rows, cols: entry.cols, storage: Array(entry.slots[(k * n)..<((k + 1) * n)]))
    }

    /// Every parameter's step count and buffers as named matrices (see the type's documentation).
    public var tensors: [String: Matrix<Scalar>] {
        var result: [String: Matrix<Scalar>] = [:]
        for (name, entry) in entries {
            result["\(name).step"] = Matrix(rows: 1, cols: 1, storage: [Scalar(entry.step)])
            for slot in slotNames { result["\(name).\(slot)"] = self.slot(slot, of: name) }
        }
        return result
    }

    /// Replaces the state with one exported by `tensors` (and `stepCount`) for the same parameters.
    ///
    /// Either `tensors` is empty (a fresh optimizer) or it holds, for every one of `parameters`,
    /// `<name>.step` and every slot with the parameter's shape, and nothing else. On error the state
    /// is left unchanged.
    public mutating func restore(
        stepCount: Int, tensors: [String: Matrix<Scalar>], parameters: [Parameter<Scalar>]
    ) throws(OptimizerStateError) {
        guard stepCount >= 0 else { throw .invalidStepCount(stepCount) }
        var restored: [String: Entry] = [:]
        if !tensors.isEmpty {
            var unused = Set(tensors.keys)
            var missing: [String] = []
            for parameter in parameters {
                let name = parameter.name
                let rows = parameter.value.rows, cols = parameter.value.cols
                guard let stepTensor = tensors["\(name).step"] else {
                    missing.append("\(name).step")
                    continue
                }
                unused.remove("\(name).step")
                guard stepTensor.count == 1, let step = Int(exactly: stepTensor.storage[0]), step >= 0 else {
                    throw .invalidStep(parameter: name, stepTensor.storage.first.map { Double($0) } ?? .nan)
                }
                var slots: [Scalar] = []
                slots.reserveCapacity(slotNames.count * rows * cols)
                for slot in slotNames {
                    let key = "\(name).\(slot)"
                    guard let matrix = tensors[key] else {
                        missing.append(key)
                        continue
                    }
                    unused.remove(key)
                    guard matrix.rows == rows && matrix.cols == cols else {
                        throw .shapeMismatch(tensor: key, expected: [rows, cols], found: [matrix.rows, matrix.cols])
                    }
                    slots += matrix.storage
                }
                restored[name] = Entry(step: step, rows: rows, cols: cols, slots: slots)
            }
            if !missing.isEmpty || !unused.isEmpty {
                throw .nameMismatch(missing: missing.sorted(), unexpected: unused.sorted())
            }
        }
        self.stepCount = stepCount
        self.entries = restored
    }

    /// Runs `body` with the parameter's step count after this update and its slot buffers,
    /// creating zeroed state on the parameter's first update.
    @inlinable
    mutating func withEntry(
        for parameter: Parameter<Scalar>,
        _ body: (Int, UnsafeMutableBufferPointer<Scalar>) -> Void
    ) {
        let rows = parameter.value.rows, cols = parameter.value.cols
        let slotCount = slotNames.count
        let fresh = { Entry(step: 0, rows: rows, cols: cols, slots: Array(repeating: 0, count: slotCount * rows * cols)) }
        // Modify in place through the dictionary's defaulting subscript: no copy of the buffers.
        withInout(&entries[parameter.name, default: fresh()]) { entry in
            precondition(entry.rows == rows && entry.cols == cols,
                         "\(parameter.name): shape (\(rows), \(cols)) differs from its optimizer state (\(entry.rows), \(entry.cols))")
            entry.step += 1
            let step = entry.step
            entry.slots.withUnsafeMutableBufferPointer { body(step, $0) }
        }
    }
}

@inlinable
func withInout<T>(_ value: inout T, _ body: (inout T) -> Void) { body(&value) }
