import Foundation
import Testing
@testable import LiaisonConfig
import LiaisonCore

/// `contact_topics:` in a message template: what a sent letter of the topic
/// counts as (P2.2.1, P3.2; issue 12).
@Suite struct ContactTopicsTemplateTests {
    @Test func contactTopicsAreReadAndAnUnknownOneIsNamedWithItsPlace() throws {
        let ok = try TemplateLoader.parse(YAMLNode.parse("""
            topic: notice
            channels: [letter]
            contact_topics: [sanction, conduct]
            text:
              default: "x"
            """, file: "notice.yaml"))
        #expect(ok.contactTopics == [.sanction, .conduct] && ok.lettersOnly)
        let err = #expect(throws: LiaisonError.self) {
            try TemplateLoader.parse(YAMLNode.parse("""
                topic: notice
                contact_topics: [sanctions]
                text:
                  default: "x"
                """, file: "notice.yaml"))
        }
        #expect(err?.message.contains("notice.yaml:2:") == true && err?.message.contains("\"sanctions\" is not a contact topic") == true,
                "\(err?.message ?? "")")
    }

    @Test func theShippedFormalNoticesCountAsContactsAboutTheirMatter() throws {
        let root = TemplateTests.root
        let books = try RulebookLoader.load(directory: root.appendingPathComponent("Config/rules").path)
        let lib = try TemplateLoader.load(directory: root.appendingPathComponent("Config/templates").path, rulebooks: books)
        #expect(lib["sanction-notice"]?.contactTopics == [.sanction] && lib["sanction-notice"]?.lettersOnly == true)
        #expect(lib["status-change-notice"]?.contactTopics == [.study] && lib["status-change-notice"]?.lettersOnly == true)
        #expect(lib["campus-invitation"]?.contactTopics == [.invitation] && lib["campus-invitation"]?.lettersOnly == false)
        #expect(lib["incident-notice"]?.contactTopics == [], "the case kind decides")
    }
}
