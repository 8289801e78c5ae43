import Foundation

/// Streams the lines of a text file in bounded memory, reading 1 MiB at a time; a `.gz` file is read
/// through `gzip -dc`. Lines are split on "\n" only (a trailing "\r" is dropped).
enum LineSource {
    /// Thrown by a `body` to stop reading early (not an error: `forEachLine` returns normally).
    struct Stop: Error {}

    static func forEachLine(
        ofFile path: String, _ body: (_ line: ArraySlice<UInt8>, _ number: Int) throws -> Void
    ) throws {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw PretrainedVectors.LoadError(description: "\(path): no such readable file")
        }
        let handle: FileHandle
        var process: Process?
        var complaints: Pipe?   // gzip's messages, put into our error rather than onto the terminal
        if path.hasSuffix(".gz") {
            let pipe = Pipe()
            let gzip = Process()
            gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
            gzip.arguments = ["-dc", path]
            gzip.standardOutput = pipe
            complaints = Pipe()
            gzip.standardError = complaints
            try gzip.run()
            process = gzip
            handle = pipe.fileHandleForReading
        } else {
            guard let file = FileHandle(forReadingAtPath: path) else {
                throw PretrainedVectors.LoadError(description: "\(path): cannot open")
            }
            handle = file
        }
        defer { try? handle.close() }
        var pending: [UInt8] = []
        var number = 0
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            pending.append(contentsOf: chunk)
            var start = 0
            while let end = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
                number += 1
                var line = pending[start..<end]
                if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
                do {
                    try body(line, number)
                } catch is Stop {
                    process?.terminate()
                    process?.waitUntilExit()
                    return
                }
                start = end + 1
            }
            pending.removeSubrange(0..<start)
        }
        if !pending.isEmpty { number += 1; try body(pending[...], number) }
        if let process {
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                let said = String(decoding: complaints?.fileHandleForReading.availableData ?? Data(), as: UTF8.self)
                    .split(separator: "\n").last.map { " (\($0.replacingOccurrences(of: path + ": ", with: "")))" } ?? ""
                throw PretrainedVectors.LoadError(
                    description: "\(path): gzip could not decompress it after line \(number)\(said); is the file truncated?")
            }
        }
    }
}
