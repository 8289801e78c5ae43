import Foundation
import FuzzSupport
import Tensor

/// The fuzzed function for `SafeTensors(decoding:)`: any bytes either parse into tensors whose
/// values fill their shapes exactly, or throw a `SafeTensorsError` (never another error, a crash,
/// or a hang). A file that parses also writes back and parses again to the same tensors.
/// (Exported as `LLVMFuzzerTestOneInput`, which the fuzzer runtime links against.)
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafeTensors(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let data = Data(bytes: bytes, count: count)
    let file: SafeTensors
    do {
        file = try SafeTensors(decoding: data, path: "fuzz")
    } catch is SafeTensorsError {
        return 0
    } catch {
        fatalError("SafeTensors(decoding:) threw \(type(of: error)), not a SafeTensorsError: \(error)")
    }
    for tensor in file.tensors {
        precondition(tensor.values.count == tensor.shape.reduce(1, *),
                     "tensor '\(tensor.name)': \(tensor.values.count) values for shape \(tensor.shape)")
    }
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("fuzz-\(getpid()).safetensors")
    defer { try? FileManager.default.removeItem(at: url) }
    do {
        try file.write(to: url)
        let again = try SafeTensors(contentsOf: url)
        // The writer lays tensors out in its own order (by element size, then name): compare by name.
        let (written, read) = (file.tensors.sorted { $0.name < $1.name }, again.tensors.sorted { $0.name < $1.name })
        precondition(read.map(\.name) == written.map(\.name), "names changed in a round trip")
        for (a, b) in zip(read, written) {
            precondition(a.shape == b.shape && a.dtype == b.dtype, "tensor '\(a.name)' changed in a round trip")
            precondition(zip(a.values.storage, b.values.storage).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) },
                         "tensor '\(a.name)': values changed in a round trip")
        }
        precondition(again.metadata == file.metadata, "metadata changed in a round trip")
    } catch {
        fatalError("a parsed file did not round-trip: \(error)")
    }
    return 0
}

/// The executable's entry: libFuzzer on `fuzzSafeTensors`.
@_cdecl("FuzzSafeTensors_main")
func fuzzSafeTensorsMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, fuzzSafeTensors)
}
