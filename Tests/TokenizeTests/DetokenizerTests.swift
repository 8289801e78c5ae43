import Tokenize
import XCTest

final class DetokenizerTests: XCTestCase {
    static let english = [
        "Hello, world!",
        "Isn't it nice?",
        "She said, \"I'm tired.\"",
        "He replied: 'No, you aren't.'",
        "The dogs' bowls (both of them) are empty.",
        "We'll meet at Dr. Brown's house at 9:30 a.m. tomorrow.",
        "It costs $3.50, or 10% less; that's a bargain!",
        "Wait... what [exactly] did you mean?",
        "Her e-mail address is a@b.com.",
        "“Curly quotes,” he wrote, “are nicer.”",
        "Tom's cat isn't here, is it?",
    ]
    static let german = [
        "Ich habe es dir gesagt: „Das Auto ist kaputt.“",
        "Wie geht's dir heute?",
        "Am 1. März (ein Montag) fährt der Zug um 10:15 Uhr ab.",
        "Sie sagte: »Das war nicht so gemeint.«",
        "Die Kinder spielen im Garten, und die Eltern trinken Kaffee.",
    ]

    func testRoundTripEnglishAndGerman() throws {
        for (locale, sentences) in [("en", Self.english), ("de", Self.german)] {
            let tokenizer = try ICUWordTokenizer(locale: locale)
            let detokenizer = Detokenizer(locale: locale)
            for sentence in sentences {
                XCTAssertEqual(detokenizer.detokenize(tokenizer.tokenize(sentence)), sentence)
            }
        }
    }

    func testFrenchSpacing() throws {
        let sentence = "L'homme qu'il a vu a dit : « bonjour » !"
        let tokens = try ICUWordTokenizer(locale: "fr").tokenize(sentence)
        XCTAssertEqual(Detokenizer(locale: "fr").detokenize(tokens), sentence)
        XCTAssertEqual(Detokenizer(locale: "en").detokenize(tokens), "L'homme qu'il a vu a dit: «bonjour»!")
    }

    func testScriptsWithoutSpaces() throws {
        for (locale, sentence) in [("zh", "我们今天去北京大学。"), ("ja", "東京都に住んでいます。"), ("th", "ภาษาไทยไม่มีช่องว่าง")] {
            let tokens = try ICUWordTokenizer(locale: locale).tokenize(sentence)
            XCTAssertGreaterThan(tokens.count, 2)
            XCTAssertEqual(Detokenizer(locale: locale).detokenize(tokens), sentence)
        }
    }

    func testModelOutputTokens() {
        let detokenizer = Detokenizer()
        XCTAssertEqual(detokenizer.detokenize(["a", "man", "(", "in", "red", ")", "is", "running", "."]),
                       "a man (in red) is running.")
        XCTAssertEqual(detokenizer.detokenize(["\"", "yes", "\"", ",", "he", "said"]), "\"yes\", he said")
        XCTAssertEqual(detokenizer.detokenize([String]()), "")
        XCTAssertEqual(detokenizer.detokenize([".", "a"]), ". a")
        XCTAssertEqual(detokenizer.detokenize(["i", "'m", "sure", "it", "'s", "tom", "'s", ",", "is", "n't", "it", "?"]),
                       "i'm sure it's tom's, isn't it?")
        XCTAssertEqual(detokenizer.detokenize(["we", "’ll", "see", "'", "n", "'"]), "we’ll see 'n'")
    }
}
