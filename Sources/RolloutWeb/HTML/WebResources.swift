import Foundation

/// The files of this target's `Resources` folder: the stylesheet, the scripts, the API's description.
enum WebResources {
    /// A resource's text; empty when it is missing (a test checks each is there).
    static func text(_ name: String) -> String {
        guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Resources"),
              let text = try? String(contentsOf: url, encoding: .utf8) else { return "" }
        return text
    }

    /// The pages' stylesheet, inlined in each page (and in each bulletin, which must stand alone).
    static let style = HTML(trusted: String(text("style.css").dropLast(while: { $0 == "\n" })))
}

private extension String {
    func dropLast(while predicate: (Character) -> Bool) -> Substring {
        var end = endIndex
        while end > startIndex, predicate(self[index(before: end)]) { end = index(before: end) }
        return self[..<end]
    }
}
