import Foundation

/// A parsed FHIRPath expression. Compile once with `FHIRPath(_:)`, evaluate many times.
public indirect enum FHIRPathNode: Sendable, Equatable {
    case empty
    case string(String)
    case integer(Int)
    case decimal(Double)
    case boolean(Bool)
    case date(String)
    case identifier(String)
    case variable(String)
    case this
    case index
    case member(FHIRPathNode, String)
    case call(FHIRPathNode?, String, [FHIRPathNode])
    case indexer(FHIRPathNode, FHIRPathNode)
    case negate(FHIRPathNode)
    case binary(String, FHIRPathNode, FHIRPathNode)
}

extension FHIRPathNode {
    /// The longest path from this node to a leaf, measured without recursion (the tree may come
    /// from an imported Questionnaire and be deep on purpose).
    var depth: Int {
        var deepest = 0
        var stack: [(FHIRPathNode, Int)] = [(self, 1)]
        while let (node, level) = stack.popLast() {
            deepest = max(deepest, level)
            let children: [FHIRPathNode] = switch node {
            case .member(let base, _), .negate(let base): [base]
            case .call(let base, _, let arguments): (base.map { [$0] } ?? []) + arguments
            case .indexer(let base, let index): [base, index]
            case .binary(_, let left, let right): [left, right]
            default: []
            }
            stack.append(contentsOf: children.map { ($0, level + 1) })
        }
        return deepest
    }
}

public struct FHIRPathSyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
    public let expression: String
    public let message: String
    public var description: String { "FHIRPath \(expression.debugDescription): \(message)" }
}

enum FHIRPathToken: Equatable {
    case identifier(String), delimitedIdentifier(String), string(String), number(String), date(String)
    case variable(String), special(String), symbol(String), end
}

/// Tokens and a precedence-climbing parser for the FHIRPath grammar (N1), enough of it for SDC forms.
struct FHIRPathParser {
    private var tokens: [FHIRPathToken] = []
    private var position = 0
    private let source: String
    /// Parentheses, brackets, calls and signs open inside each other; each costs parser stack.
    private var nesting = 0

    /// Limits for expressions from outside (an imported Questionnaire): parsing and evaluating both
    /// recurse, and an expression built to nest thousands deep would exhaust the stack.
    static let maxLength = 4_000
    static let maxNesting = 32
    static let maxDepth = 128

    init(_ source: String) throws {
        self.source = source
        guard source.count <= Self.maxLength else {
            throw FHIRPathSyntaxError(expression: String(source.prefix(40)) + "…", message: "longer than \(Self.maxLength) characters")
        }
        self.tokens = try Self.tokenize(source)
    }

    // Lowest to highest, as in the FHIRPath specification §"Operator precedence".
    private static let levels: [[String]] = [
        ["implies"], ["or", "xor"], ["and"], ["in", "contains"], ["=", "~", "!=", "!~"],
        [">", "<", ">=", "<="], ["|"], ["is", "as"], ["+", "-", "&"], ["*", "/", "div", "mod"],
    ]

    mutating func parse() throws -> FHIRPathNode {
        let node = try nested { try $0.parseLevel(0) }
        guard tokens[position] == .end else { throw error("unexpected \(describe(tokens[position]))") }
        guard node.depth <= Self.maxDepth else { throw error("more than \(Self.maxDepth) operations deep") }
        return node
    }

    private mutating func nested(_ body: (inout FHIRPathParser) throws -> FHIRPathNode) throws -> FHIRPathNode {
        nesting += 1
        defer { nesting -= 1 }
        guard nesting <= Self.maxNesting else { throw error("nested more than \(Self.maxNesting) deep") }
        return try body(&self)
    }

    private func error(_ message: String) -> FHIRPathSyntaxError {
        FHIRPathSyntaxError(expression: source, message: message)
    }

    private func describe(_ token: FHIRPathToken) -> String {
        switch token {
        case .identifier(let v), .delimitedIdentifier(let v), .number(let v), .symbol(let v), .special(let v): "'\(v)'"
        case .string(let v): "string '\(v)'"
        case .date(let v): "date @\(v)"
        case .variable(let v): "%\(v)"
        case .end: "end of expression"
        }
    }

    private func operatorAt(_ level: Int) -> String? {
        let token = tokens[position]
        let name: String? = switch token {
        case .symbol(let s): s
        case .identifier(let s): s
        default: nil
        }
        guard let name, Self.levels[level].contains(name) else { return nil }
        return name
    }

    private mutating func parseLevel(_ level: Int) throws -> FHIRPathNode {
        guard level < Self.levels.count else { return try parseUnary() }
        var left = try parseLevel(level + 1)
        while let op = operatorAt(level) {
            position += 1
            if op == "is" || op == "as" {
                left = .call(left, op == "is" ? "is" : "as", [.string(try parseTypeName())])
            } else {
                left = .binary(op, left, try parseLevel(level + 1))
            }
        }
        return left
    }

    private mutating func parseTypeName() throws -> String {
        var parts: [String] = []
        repeat {
            if !parts.isEmpty { position += 1 }
            guard case .identifier(let name) = tokens[position] else { throw error("expected a type name") }
            parts.append(name)
            position += 1
        } while tokens[position] == .symbol(".")
        return parts.joined(separator: ".")
    }

    private mutating func parseUnary() throws -> FHIRPathNode {
        if tokens[position] == .symbol("-") { position += 1; return .negate(try nested { try $0.parseUnary() }) }
        if tokens[position] == .symbol("+") { position += 1; return try nested { try $0.parseUnary() } }
        return try parsePostfix(try parseTerm())
    }

    private mutating func parsePostfix(_ start: FHIRPathNode) throws -> FHIRPathNode {
        var node = start
        while true {
            if tokens[position] == .symbol(".") {
                position += 1
                let name: String
                switch tokens[position] {
                case .identifier(let n), .delimitedIdentifier(let n): name = n
                default: throw error("expected a name after '.', found \(describe(tokens[position]))")
                }
                position += 1
                if tokens[position] == .symbol("(") {
                    node = .call(node, name, try parseArguments())
                } else {
                    node = .member(node, name)
                }
            } else if tokens[position] == .symbol("[") {
                position += 1
                let index = try nested { try $0.parseLevel(0) }
                guard tokens[position] == .symbol("]") else { throw error("expected ']'") }
                position += 1
                node = .indexer(node, index)
            } else {
                return node
            }
        }
    }

    private mutating func parseArguments() throws -> [FHIRPathNode] {
        position += 1  // (
        var arguments: [FHIRPathNode] = []
        if tokens[position] == .symbol(")") { position += 1; return arguments }
        while true {
            arguments.append(try nested { try $0.parseLevel(0) })
            if tokens[position] == .symbol(",") { position += 1; continue }
            guard tokens[position] == .symbol(")") else { throw error("expected ')' or ',' in arguments") }
            position += 1
            return arguments
        }
    }

    private mutating func parseTerm() throws -> FHIRPathNode {
        let token = tokens[position]
        position += 1
        switch token {
        case .string(let value): return .string(value)
        case .date(let value): return .date(value)
        case .number(let text):
            if text.contains("."), let value = Double(text) { return .decimal(value) }
            if let value = Int(text) { return .integer(value) }
            throw error("bad number \(text)")
        case .variable(let name): return .variable(name)
        case .special("$this"): return .this
        case .special("$index"): return .index
        case .special(let other): throw error("unknown \(other)")
        case .delimitedIdentifier(let name): return .identifier(name)
        case .identifier("true"): return .boolean(true)
        case .identifier("false"): return .boolean(false)
        case .identifier(let name):
            if tokens[position] == .symbol("(") { return .call(nil, name, try parseArguments()) }
            return .identifier(name)
        case .symbol("("):
            let inner = try nested { try $0.parseLevel(0) }
            guard tokens[position] == .symbol(")") else { throw error("expected ')'") }
            position += 1
            return inner
        case .symbol("{"):
            guard tokens[position] == .symbol("}") else { throw error("expected '}' (only the empty collection {} is allowed)") }
            position += 1
            return .empty
        default:
            throw error("unexpected \(describe(token))")
        }
    }

    static func tokenize(_ source: String) throws -> [FHIRPathToken] {
        let characters = Array(source)
        var tokens: [FHIRPathToken] = []
        var i = 0
        func fail(_ message: String) -> FHIRPathSyntaxError { FHIRPathSyntaxError(expression: source, message: message) }
        func quoted(_ quote: Character) throws -> String {
            var text = ""
            i += 1
            while i < characters.count, characters[i] != quote {
                if characters[i] == "\\", i + 1 < characters.count {
                    i += 1
                    switch characters[i] {
                    case "n": text.append("\n")
                    case "t": text.append("\t")
                    case "r": text.append("\r")
                    case "u":
                        let hex = String(characters[(i + 1)..<min(i + 5, characters.count)])
                        guard let code = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(code) else { throw fail("bad \\u escape") }
                        text.unicodeScalars.append(scalar)
                        i += 4
                    default: text.append(characters[i])
                    }
                } else {
                    text.append(characters[i])
                }
                i += 1
            }
            guard i < characters.count else { throw fail("unterminated \(quote == "'" ? "string" : "identifier")") }
            i += 1
            return text
        }
        while i < characters.count {
            let c = characters[i]
            if c.isWhitespace { i += 1; continue }
            if c == "/" && i + 1 < characters.count && characters[i + 1] == "/" {
                while i < characters.count && characters[i] != "\n" { i += 1 }
                continue
            }
            if c == "'" { tokens.append(.string(try quoted("'"))); continue }
            if c == "`" { tokens.append(.delimitedIdentifier(try quoted("`"))); continue }
            if c == "%" {
                i += 1
                if i < characters.count, characters[i] == "`" || characters[i] == "'" {
                    tokens.append(.variable(try quoted(characters[i])))
                } else {
                    let start = i
                    while i < characters.count, characters[i].isLetter || characters[i].isNumber || characters[i] == "_" || characters[i] == "-" { i += 1 }
                    guard i > start else { throw fail("a name must follow %") }
                    tokens.append(.variable(String(characters[start..<i])))
                }
                continue
            }
            if c == "$" {
                let start = i
                i += 1
                while i < characters.count, characters[i].isLetter { i += 1 }
                tokens.append(.special(String(characters[start..<i])))
                continue
            }
            if c == "@" {
                let start = i + 1
                i += 1
                while i < characters.count, characters[i].isNumber || "-:T.+Z".contains(characters[i]) { i += 1 }
                tokens.append(.date(String(characters[start..<i])))
                continue
            }
            if c.isNumber {
                let start = i
                while i < characters.count, characters[i].isNumber { i += 1 }
                if i + 1 < characters.count, characters[i] == ".", characters[i + 1].isNumber {
                    i += 1
                    while i < characters.count, characters[i].isNumber { i += 1 }
                }
                tokens.append(.number(String(characters[start..<i])))
                continue
            }
            if c.isLetter || c == "_" {
                let start = i
                while i < characters.count, characters[i].isLetter || characters[i].isNumber || characters[i] == "_" { i += 1 }
                tokens.append(.identifier(String(characters[start..<i])))
                continue
            }
            let two = i + 1 < characters.count ? String(characters[i...(i + 1)]) : ""
            if ["<=", ">=", "!=", "!~"].contains(two) { tokens.append(.symbol(two)); i += 2; continue }
            if "().,[]{}+-*/&|=<>~".contains(c) { tokens.append(.symbol(String(c))); i += 1; continue }
            throw fail("unexpected character '\(c)'")
        }
        tokens.append(.end)
        return tokens
    }
}
