/// No `--model` given and no default model found where `DefaultModel` looks.
struct DefaultModelError: Error, CustomStringConvertible {
    let name: String
    let searched: [String]
    var description: String {
        "no default model \(name) found (looked in \(searched.joined(separator: ", "))); give one with --model"
    }
}
