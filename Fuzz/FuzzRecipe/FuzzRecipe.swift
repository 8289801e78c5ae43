import FileIO
import Foundation
import FuzzSupport
import Pipeline
import Recipes

/// The fuzzed function for training recipes (`--config recipe.yaml`): any bytes either read as
/// entries whose keys are option names (non-empty, no leading dash, not `config`) on lines inside
/// the file, each giving command-line words `--key [value]`, `--no-key` or repeated `--key value`
/// pairs, which `expand` puts before the command line's; or throw a `DataError` naming the file and,
/// if any, a line inside it. Never another error, a crash or a hang (deep nesting included).
/// (Exported as `LLVMFuzzerTestOneInput`, which the fuzzer runtime links against.)
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRecipe(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let input = FuzzInput(bytes, count)
    let lines = max(yamlLines(input.bytes), 1)
    FuzzInput.withFile(input.bytes, name: "recipe.yaml") { path in
        do {
            var recipe = try Recipe(path: path)
            for entry in recipe.entries {
                precondition(!entry.key.isEmpty && !entry.key.hasPrefix("-") && entry.key != "config", "key \(entry.key.debugDescription)")
                precondition(entry.line >= 1 && entry.line <= lines, "entry '\(entry.key)' at line \(entry.line) of \(lines)")
                let flags = ["--" + entry.key, "--no-" + entry.key]
                if entry.arguments.count == 1 {
                    precondition(flags.contains(entry.arguments[0]), "entry '\(entry.key)' gives \(entry.arguments)")
                } else {
                    precondition(entry.arguments.count % 2 == 0, "entry '\(entry.key)' gives \(entry.arguments)")
                    for pair in stride(from: 0, to: entry.arguments.count, by: 2) {
                        precondition(entry.arguments[pair] == flags[0], "entry '\(entry.key)' gives \(entry.arguments)")
                    }
                }
            }
            let words = recipe.entries.flatMap(\.arguments)
            precondition(recipe.expand(before: ["-o", "model"]) == words + ["-o", "model"], "expand changed the recipe's words")
        } catch let error as DataError {
            precondition(error.path == path, "an error naming \(error.path)")
            if let line = error.line { precondition(line >= 1 && line <= lines, "an error at line \(line) of \(lines)") }
        } catch {
            fatalError("Recipe threw \(type(of: error)): \(error)")
        }
    }
    return 0
}

/// The lines YAML sees in `bytes` (the line numbers it reports): "\n", "\r\n", a lone "\r" and, in
/// UTF-8, U+0085, U+2028 and U+2029 each end one.
private func yamlLines(_ bytes: [UInt8]) -> Int {
    var breaks = 0, index = 0, lastBreakEnd = 0
    while index < bytes.count {
        var length = 0
        if bytes[index] == 0x0A { length = 1 }
        else if bytes[index] == 0x0D { length = index + 1 < bytes.count && bytes[index + 1] == 0x0A ? 2 : 1 }
        else if bytes[index...].starts(with: [0xC2, 0x85]) { length = 2 }
        else if bytes[index...].starts(with: [0xE2, 0x80, 0xA8]) || bytes[index...].starts(with: [0xE2, 0x80, 0xA9]) { length = 3 }
        if length > 0 { breaks += 1; index += length; lastBreakEnd = index } else { index += 1 }
    }
    return breaks + (lastBreakEnd < bytes.count ? 1 : 0)
}

/// The executable's entry: libFuzzer on `fuzzRecipe`.
@_cdecl("FuzzRecipe_main")
func fuzzRecipeMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, fuzzRecipe)
}
