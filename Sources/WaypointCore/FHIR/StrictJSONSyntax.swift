import Foundation

/// A strict RFC 8259 syntax check that names the line and column where a file stops being JSON.
/// A form with a stray comma is refused rather than guessed at.
enum StrictJSONSyntax {
    static func check(_ data: Data) throws {
        var scanner = Scanner(bytes: [UInt8](data))
        scanner.skipSpace()
        try scanner.value(depth: 0)
        scanner.skipSpace()
        if scanner.position < scanner.bytes.count { throw scanner.error("unexpected text after the end of the document") }
    }

    struct Scanner {
        let bytes: [UInt8]
        var position = 0

        init(bytes: [UInt8]) {
            // A UTF-8 byte-order mark is tolerated.
            self.bytes = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
        }

        func error(_ message: String) -> FHIRLoadError {
            var line = 1, column = 1
            for byte in bytes.prefix(position) {
                if byte == UInt8(ascii: "\n") { line += 1; column = 1 } else { column += 1 }
            }
            return .invalidJSON("line \(line), column \(column): \(message)")
        }

        var current: UInt8? { position < bytes.count ? bytes[position] : nil }

        mutating func skipSpace() {
            while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { position += 1 }
        }

        mutating func expect(_ literal: String) throws {
            for byte in literal.utf8 {
                guard current == byte else { throw error("expected \(literal)") }
                position += 1
            }
        }

        mutating func value(depth: Int) throws {
            guard depth < 512 else { throw error("nested too deeply") }
            switch current {
            case UInt8(ascii: "{"):
                try sequence(closing: "}") {
                    guard $0.current == UInt8(ascii: "\"") else { throw $0.error("expected a member name in quotes") }
                    try $0.string()
                    $0.skipSpace()
                    try $0.expect(":")
                    $0.skipSpace()
                    try $0.value(depth: depth + 1)
                }
            case UInt8(ascii: "["):
                try sequence(closing: "]") { try $0.value(depth: depth + 1) }
            case UInt8(ascii: "\""): try string()
            case UInt8(ascii: "t"): try expect("true")
            case UInt8(ascii: "f"): try expect("false")
            case UInt8(ascii: "n"): try expect("null")
            case let byte? where byte == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte): try number()
            case nil: throw error("the document ends too early")
            default: throw error("unexpected character")
            }
        }

        /// `[` or `{` has been seen: elements separated by commas up to `closing`, with no trailing comma.
        mutating func sequence(closing: Character, element: (inout Scanner) throws -> Void) throws {
            let close = UInt8(ascii: closing.unicodeScalars.first!)
            position += 1
            skipSpace()
            if current == close { position += 1; return }
            while true {
                skipSpace()
                try element(&self)
                skipSpace()
                guard current == UInt8(ascii: ",") else { return try expect(String(closing)) }
                position += 1
                skipSpace()
                if current == close { throw error("a comma before \(closing) (trailing comma)") }
            }
        }

        mutating func string() throws {
            position += 1
            while let byte = current {
                position += 1
                if byte == UInt8(ascii: "\"") { return }
                if byte < 0x20 { throw error("a control character inside a string") }
                if byte == UInt8(ascii: "\\") {
                    guard let escaped = current else { break }
                    position += 1
                    if escaped == UInt8(ascii: "u") {
                        for _ in 0..<4 {
                            guard let hex = current, (Character(UnicodeScalar(hex)).isHexDigit) else { throw error("a bad \\u escape") }
                            position += 1
                        }
                    } else if !"\"\\/bfnrt".utf8.contains(escaped) {
                        throw error("a bad escape in a string")
                    }
                }
            }
            throw error("a string that never ends")
        }

        mutating func number() throws {
            func digits() -> Int {
                let start = position
                while let byte = current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) { position += 1 }
                return position - start
            }
            if current == UInt8(ascii: "-") { position += 1 }
            if current == UInt8(ascii: "0") { position += 1 } else if digits() == 0 { throw error("a malformed number") }
            if current == UInt8(ascii: ".") {
                position += 1
                if digits() == 0 { throw error("a malformed number") }
            }
            if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
                position += 1
                if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
                if digits() == 0 { throw error("a malformed number") }
            }
        }
    }
}
