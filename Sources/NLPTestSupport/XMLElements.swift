import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest

/// The elements of an XML document, in document order, with their attributes and text;
/// nil (and a test failure) when the document is not well-formed.
public final class XMLElements: NSObject, XMLParserDelegate {
    public struct Element {
        public var name: String
        public var attributes: [String: String]
        public var text = ""
    }
    public private(set) var all: [Element] = []
    private var open: [Int] = []

    public func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String]) {
        open.append(all.count)
        all.append(Element(name: name, attributes: attributes))
    }

    public func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        open.removeLast()
    }

    public func parser(_ parser: XMLParser, foundCharacters string: String) {
        if let index = open.last { all[index].text += string }
    }

    public static func parse(_ xml: String, file: StaticString = #filePath, line: UInt = #line) -> [Element]? {
        let parser = XMLParser(data: Data(xml.utf8))
        let elements = XMLElements()
        parser.delegate = elements
        guard parser.parse() else {
            XCTFail("not well-formed XML: \(parser.parserError.map { "\($0)" } ?? "?")", file: file, line: line)
            return nil
        }
        return elements.all
    }
}
