import Foundation
import KraftModel
import Testing

@Suite struct JSONStringTests {
  @Test func escapesWhatJSONRequires() {
    #expect(JSONString.quoted("a\"b\\c\nd\te\u{1}") == #""a\"b\\c\nd\te\u0001""#)
  }

  @Test func foundationReadsItBack() throws {
    let text = "kernel \"args\" -- ünïcode\t\u{7}"
    let data = Data(("[" + JSONString.quoted(text) + "]").utf8)
    let decoded = try JSONSerialization.jsonObject(with: data) as? [String]
    #expect(decoded == [text])
  }
}
