import Foundation

/// Finds the model a command uses when `--model` is omitted: `models/NAME` in `$NLP_MODELS`, in
/// the package checkout the binary was built in (`.build/release/nlp` → `models/`), beside an
/// installed binary (`bin/nlp` → `share/nlp/models/`), or in the current directory.
enum DefaultModel {
    static func path(_ name: String) throws -> String {
        var folders: [String] = []
        if let environment = ProcessInfo.processInfo.environment["NLP_MODELS"] { folders.append(environment) }
        // The running executable itself (argv[0] may be a bare name found on PATH, or a link).
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? Bundle.main.executablePath ?? CommandLine.arguments[0]
        let binary = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        folders.append(binary.appendingPathComponent("../../models").standardized.path)       // .build/<config>/nlp
        folders.append(binary.appendingPathComponent("../../../models").standardized.path)    // .build/<triple>/<config>/nlp
        folders.append(binary.appendingPathComponent("../share/nlp/models").standardized.path)
        folders.append("models")
        for folder in folders {
            let candidate = (folder as NSString).appendingPathComponent(name)
            if FileManager.default.isReadableFile(atPath: candidate) { return candidate }
        }
        throw DefaultModelError(name: name, searched: folders)
    }
}
