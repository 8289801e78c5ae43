import Tensor

extension Embedding {
    /// A word table whose row 0 is `<pad>` (zero, never trained): `pretrained` (V, D) when given
    /// (its row 0 is zeroed), otherwise drawn N(0, 1) from `generator`. `frozen` keeps it fixed.
    public convenience init(
        vocabularySize V: Int, dimension D: Int, pretrained: Matrix<Scalar>?, frozen: Bool, name: String,
        generator: inout SeededGenerator
    ) {
        if var table = pretrained {
            precondition(table.rows == V && table.cols == D,
                         "pretrained table (\(table.rows), \(table.cols)), expected (\(V), \(D))")
            for j in 0..<D { table[0, j] = 0 }
            self.init(table: table, paddingIndex: 0, name: name, frozen: frozen)
        } else {
            self.init(vocabularySize: V, dimension: D, paddingIndex: 0, name: name, generator: &generator)
            isFrozen = frozen
        }
    }
}
