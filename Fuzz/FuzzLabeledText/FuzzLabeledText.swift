import FileIO
import Foundation
import FuzzSupport
import Pipeline

/// The fuzzed function for labelled-text files: the first byte picks the format (label-first, TSV,
/// sentiment trees, or the one `detect` finds), binary or fine tree labels, and phrases or
/// sentences. A read returns examples with a non-empty text and label, trimmed, on lines inside
/// the file in file order (tree labels as the label set says), or throws a `DataError` naming the
/// file and a line inside it, or a `FileError`. Each line of a file of trees is also parsed on its
/// own: a tree has words, its nodes' word ranges lie inside them, children come before their parent
/// and the root spans the sentence, labels are 0-4; or the parse throws with a column inside the line.
/// (Exported as `LLVMFuzzerTestOneInput`, which the fuzzer runtime links against.)
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLabeledText(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let (choice, contents) = FuzzInput(bytes, count).choiceAndRest
    let lines = FuzzInput.lineCount(of: contents)
    let treeLabels: SentimentTreeLabels = choice & 4 == 0 ? .binary : .fine
    let phrases = choice & 8 != 0
    FuzzInput.withFile(contents, name: "labeled") { path in
        func checkProblem(_ error: DataError) {
            precondition(error.path == path, "an error naming \(error.path)")
            if let line = error.line { precondition(line >= 1 && line <= lines, "an error at line \(line) of \(lines)") }
        }
        do {
            let format = choice & 3 == 3 ? try LabeledTextFormat.detect(path: path) : LabeledTextFormat.allCases[choice & 3]
            let examples = try format.read(path: path, treeLabels: treeLabels, phrases: phrases)
            precondition(!examples.isEmpty, "no examples and no error")
            var previous = 0
            for example in examples {
                precondition(example.line >= previous && example.line <= lines, "an example at line \(example.line) after \(previous)")
                precondition(format == .sstTrees || example.line > previous, "two examples of line \(example.line)")
                previous = example.line
                for field in [example.text, example.label] {
                    precondition(!field.isEmpty, "line \(example.line): an empty text or label")
                    if format != .sstTrees {
                        precondition(field.first != " " && field.first != "\t" && field.last != " " && field.last != "\t",
                                     "line \(example.line): untrimmed \(field.debugDescription)")
                    }
                }
                if format == .sstTrees {
                    let labels = (0...SentimentTree.maximumLabel).compactMap(treeLabels.label)
                    precondition(labels.contains(example.label), "tree label \(example.label) under \(treeLabels)")
                }
            }
        } catch let error as DataError {
            checkProblem(error)
        } catch is FileError {
        } catch {
            fatalError("reading labelled text threw \(type(of: error)): \(error)")
        }
    }
    for (index, line) in contents.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
        do {
            let tree = try SentimentTree(parsing: line, path: "trees", line: index + 1)
            precondition(!tree.words.isEmpty && !tree.nodes.isEmpty, "a tree without words or nodes")
            precondition(tree.root.words == 0..<tree.words.count, "the root spans \(tree.root.words) of \(tree.words.count) words")
            for (position, node) in tree.nodes.enumerated() {
                precondition((0...SentimentTree.maximumLabel).contains(node.label), "label \(node.label)")
                precondition(!node.words.isEmpty && node.words.upperBound <= tree.words.count, "node words \(node.words)")
                // Children come first: no later node lies strictly inside an earlier one's parent chain.
                for later in tree.nodes[(position + 1)...] where later.words.count < node.words.count {
                    precondition(!(node.words.contains(later.words.lowerBound) && later.words.upperBound <= node.words.upperBound),
                                 "node \(later.words) after its ancestor \(node.words)")
                }
            }
        } catch let error as DataError {
            precondition(error.line == index + 1, "a tree error at line \(String(describing: error.line))")
            if let column = error.column { precondition(column >= 1 && column <= line.count + 1, "column \(column) of \(line.count) bytes") }
        } catch {
            fatalError("SentimentTree threw \(type(of: error)): \(error)")
        }
    }
    return 0
}

/// The executable's entry: libFuzzer on `fuzzLabeledText`.
@_cdecl("FuzzLabeledText_main")
func fuzzLabeledTextMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, fuzzLabeledText)
}
