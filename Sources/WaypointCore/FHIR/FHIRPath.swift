import Foundation

/// One element of a FHIRPath collection: a JSON value, and the linkId of the Questionnaire(Response)
/// item it was reached through, which `weight()` needs to find the answer option it came from.
public struct FHIRPathItem: Sendable, Equatable {
    public var value: JSONValue
    public var linkId: String?

    public init(_ value: JSONValue, linkId: String? = nil) {
        self.value = value
        self.linkId = linkId
    }
}

public typealias FHIRPathCollection = [FHIRPathItem]

public struct FHIRPathEvaluationError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// What an expression may refer to besides its input: `%variables` and, for SDC's `weight()` /
/// `ordinal()`, the scoring weights of the Questionnaire.
public struct FHIRPathEnvironment: Sendable {
    public var variables: [String: FHIRPathCollection]
    public var weights: AnswerWeights
    /// The moment `now()` and `today()` answer with: the caller's clock, never the system's read here.
    public let now: Date
    public let timeZone: TimeZone

    public init(variables: [String: FHIRPathCollection] = [:], weights: AnswerWeights = AnswerWeights(), now: Date, timeZone: TimeZone = .gmt) {
        self.variables = variables
        self.weights = weights
        self.now = now
        self.timeZone = timeZone
    }

    /// The local date, worked out only when an expression asks for `today()`.
    public var today: String { now.calendarDay(in: timeZone) }

    /// The local date and time with its offset, for `now()`.
    public var nowText: String {
        ISO8601DateFormatter.string(from: now, timeZone: timeZone, formatOptions: [.withInternetDateTime])
    }
}

/// A compiled FHIRPath expression.
public struct FHIRPath: Sendable, Equatable {
    public let source: String
    public let root: FHIRPathNode

    public init(_ source: String) throws {
        var parser = try FHIRPathParser(source)
        self.source = source
        self.root = try parser.parse()
    }

    public func evaluate(_ input: FHIRPathCollection, environment: FHIRPathEnvironment) throws -> FHIRPathCollection {
        try FHIRPathEvaluator(environment: environment).evaluate(root, input: input, this: input, index: nil)
    }
}

struct FHIRPathEvaluator {
    let environment: FHIRPathEnvironment

    func fail(_ message: String) -> FHIRPathEvaluationError { FHIRPathEvaluationError(message: message) }

    func evaluate(_ node: FHIRPathNode, input: FHIRPathCollection, this: FHIRPathCollection, index: Int?) throws -> FHIRPathCollection {
        switch node {
        case .empty: return []
        case .string(let v): return [FHIRPathItem(.string(v))]
        case .integer(let v): return [FHIRPathItem(.integer(v))]
        case .decimal(let v): return [FHIRPathItem(.decimal(v))]
        case .boolean(let v): return [FHIRPathItem(.bool(v))]
        case .date(let v): return [FHIRPathItem(.string(v))]
        case .this: return this
        case .index: return index.map { [FHIRPathItem(.integer($0))] } ?? []
        case .variable(let name):
            if let value = environment.variables[name] { return value }
            if name == "ucum" { return [FHIRPathItem(.string("http://unitsofmeasure.org"))] }
            if name == "sct" { return [FHIRPathItem(.string("http://snomed.info/sct"))] }
            if name == "loinc" { return [FHIRPathItem(.string("http://loinc.org"))] }
            throw fail("unknown variable %\(name)")
        case .identifier(let name):
            // A leading type name (Patient.name) selects the input when it is that resource.
            if name.first?.isUppercase == true, input.count == 1, input[0].value["resourceType"]?.string == name { return input }
            return member(input, name)
        case .member(let base, let name):
            return member(try evaluate(base, input: input, this: this, index: index), name)
        case .indexer(let base, let indexNode):
            let items = try evaluate(base, input: input, this: this, index: index)
            guard let position = try integer(try evaluate(indexNode, input: this, this: this, index: index)) else { return [] }
            return position >= 0 && position < items.count ? [items[position]] : []
        case .negate(let inner):
            let value = try evaluate(inner, input: input, this: this, index: index)
            guard let single = try singleton(value) else { return [] }
            switch single.value {
            case .integer(let v):
                guard v != .min else { throw fail("integer overflow in '-'") }
                return [FHIRPathItem(.integer(-v))]
            case .decimal(let v): return [FHIRPathItem(.decimal(-v))]
            default: throw fail("cannot negate a non-number")
            }
        case .binary(let op, let lhs, let rhs):
            return try binary(op, try evaluate(lhs, input: input, this: this, index: index),
                              { try evaluate(rhs, input: input, this: this, index: index) })
        case .call(let base, let name, let arguments):
            let target = try base.map { try evaluate($0, input: input, this: this, index: index) } ?? input
            return try call(name, on: target, arguments: arguments, outerThis: this, outerIndex: index)
        }
    }

    // MARK: Navigation

    func member(_ items: FHIRPathCollection, _ name: String) -> FHIRPathCollection {
        var result: FHIRPathCollection = []
        for item in items {
            guard case .object(let object) = item.value else { continue }
            let linkId = object["linkId"]?.string ?? item.linkId
            var found = object[name]
            if found == nil {
                // FHIR choice elements: `value` reaches valueCoding, valueDecimal, ….
                found = object.first { key, _ in
                    key.count > name.count && key.hasPrefix(name) && key[key.index(key.startIndex, offsetBy: name.count)].isUppercase
                }?.value
            }
            switch found {
            case .array(let elements)?: result += elements.map { FHIRPathItem($0, linkId: linkId) }
            case .null?, nil: break
            case let value?: result.append(FHIRPathItem(value, linkId: linkId))
            }
        }
        return result
    }

    func children(_ items: FHIRPathCollection) -> FHIRPathCollection {
        var result: FHIRPathCollection = []
        for item in items {
            guard case .object(let object) = item.value else { continue }
            let linkId = object["linkId"]?.string ?? item.linkId
            for key in object.keys.sorted() {
                switch object[key]! {
                case .array(let elements): result += elements.map { FHIRPathItem($0, linkId: linkId) }
                case .null: break
                case let value: result.append(FHIRPathItem(value, linkId: linkId))
                }
            }
        }
        return result
    }

    // MARK: Conversions

    func singleton(_ items: FHIRPathCollection) throws -> FHIRPathItem? {
        if items.count > 1 { throw fail("expected a single value, found \(items.count)") }
        return items.first
    }

    /// FHIRPath's singleton evaluation of collections as booleans.
    func boolean(_ items: FHIRPathCollection) throws -> Bool? {
        guard let single = try singleton(items) else { return nil }
        if case .bool(let value) = single.value { return value }
        return true
    }

    func integer(_ items: FHIRPathCollection) throws -> Int? {
        guard let single = try singleton(items) else { return nil }
        switch single.value {
        case .integer(let v): return v
        case .decimal(let v) where v == v.rounded(): return try Self.exactInteger(v)
        default: throw fail("expected an integer")
        }
    }

    /// A whole decimal as an integer, or an error when it does not fit (Int(_:) would trap).
    static func exactInteger(_ value: Double) throws -> Int {
        guard let exact = Int(exactly: value) else { throw FHIRPathEvaluationError(message: "\(value) does not fit in an integer") }
        return exact
    }

    func number(_ item: FHIRPathItem) -> Double? {
        if let value = item.value.number { return value }
        if case .object(let object) = item.value, let value = object["value"]?.number { return value }  // Quantity
        return nil
    }

    // MARK: Operators

    func binary(_ op: String, _ left: FHIRPathCollection, _ rightThunk: () throws -> FHIRPathCollection) throws -> FHIRPathCollection {
        switch op {
        case "and", "or", "xor", "implies":
            let l = try boolean(left)
            if op == "and", l == false { return [FHIRPathItem(.bool(false))] }
            if op == "or", l == true { return [FHIRPathItem(.bool(true))] }
            if op == "implies", l == false { return [FHIRPathItem(.bool(true))] }
            let r = try boolean(try rightThunk())
            let result: Bool? = switch op {
            case "and": l == true && r == true ? true : (r == false ? false : nil)
            case "or": r == true ? true : (l == false && r == false ? false : nil)
            case "xor": (l != nil && r != nil) ? (l! != r!) : nil
            default: r == true ? true : (l == true && r == false ? false : nil)  // implies
            }
            return result.map { [FHIRPathItem(.bool($0))] } ?? []
        default:
            break
        }
        let right = try rightThunk()
        switch op {
        case "|":
            return distinct(left + right)
        case "in", "contains":
            let (element, collection) = op == "in" ? (left, right) : (right, left)
            guard let single = try singleton(element) else { return [] }
            return [FHIRPathItem(.bool(collection.contains { equal($0.value, single.value) == true }))]
        case "=", "!=":
            if left.isEmpty || right.isEmpty { return [] }
            guard left.count == right.count else { return [FHIRPathItem(.bool(op == "!="))] }
            var same = true
            for (a, b) in zip(left, right) {
                guard let equalNow = equal(a.value, b.value) else { return [] }
                if !equalNow { same = false }
            }
            return [FHIRPathItem(.bool(op == "=" ? same : !same))]
        case "~", "!~":
            let same = left.count == right.count && zip(left, right).allSatisfy { equivalent($0.value, $1.value) }
            return [FHIRPathItem(.bool(op == "~" ? same : !same))]
        case "<", ">", "<=", ">=":
            guard let a = try singleton(left), let b = try singleton(right) else { return [] }
            guard let order = compare(a.value, b.value) else { throw fail("cannot compare these values") }
            let result = switch op {
            case "<": order < 0
            case ">": order > 0
            case "<=": order <= 0
            default: order >= 0
            }
            return [FHIRPathItem(.bool(result))]
        case "&":
            let a = try singleton(left)?.value.string ?? ""
            let b = try singleton(right)?.value.string ?? ""
            return [FHIRPathItem(.string(a + b))]
        default:
            guard let a = try singleton(left), let b = try singleton(right) else { return [] }
            return try arithmetic(op, a.value, b.value).map { [FHIRPathItem($0)] } ?? []
        }
    }

    func arithmetic(_ op: String, _ a: JSONValue, _ b: JSONValue) throws -> JSONValue? {
        if op == "+", case .string(let x) = a, case .string(let y) = b { return .string(x + y) }
        if case .integer(let x) = a, case .integer(let y) = b, ["+", "-", "*", "div", "mod"].contains(op) {
            if (op == "div" || op == "mod") && y == 0 { return nil }
            // Checked: an expression is outside input, and a trap would take the server down.
            let result = switch op {
            case "+": x.addingReportingOverflow(y)
            case "-": x.subtractingReportingOverflow(y)
            case "*": x.multipliedReportingOverflow(by: y)
            case "div": x.dividedReportingOverflow(by: y)
            default: x.remainderReportingOverflow(dividingBy: y)
            }
            guard !result.overflow else { throw fail("integer overflow in '\(op)'") }
            return .integer(result.partialValue)
        }
        guard let x = a.number, let y = b.number else { throw fail("'\(op)' needs numbers") }
        switch op {
        case "+": return .decimal(x + y)
        case "-": return .decimal(x - y)
        case "*": return .decimal(x * y)
        case "/": return y == 0 ? nil : .decimal(x / y)
        case "div": return y == 0 ? nil : .integer(try Self.exactInteger((x / y).rounded(.towardZero)))
        case "mod": return y == 0 ? nil : .decimal(x.truncatingRemainder(dividingBy: y))
        default: throw fail("unknown operator \(op)")
        }
    }

    /// Equality per FHIRPath: numbers by value, objects member by member; nil when undecidable.
    func equal(_ a: JSONValue, _ b: JSONValue) -> Bool? {
        if let x = a.number, let y = b.number { return x == y }
        switch (a, b) {
        case (.object(let x), .object(let y)):
            let keys = Set(x.keys).union(y.keys).subtracting(["extension", "id"])
            for key in keys {
                guard let l = x[key], let r = y[key] else { return false }
                if equal(l, r) != true { return false }
            }
            return true
        case (.array(let x), .array(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { equal($0, $1) == true }
        default:
            return a == b
        }
    }

    func equivalent(_ a: JSONValue, _ b: JSONValue) -> Bool {
        if case .string(let x) = a, case .string(let y) = b {
            return x.lowercased().split(whereSeparator: \.isWhitespace) == y.lowercased().split(whereSeparator: \.isWhitespace)
        }
        if case .object(let x) = a, case .object(let y) = b, x["code"] != nil {
            return x["code"] == y["code"] && x["system"] == y["system"]
        }
        return equal(a, b) ?? false
    }

    func compare(_ a: JSONValue, _ b: JSONValue) -> Int? {
        if let x = a.number, let y = b.number { return x < y ? -1 : (x > y ? 1 : 0) }
        if case .string(let x) = a, case .string(let y) = b { return x < y ? -1 : (x > y ? 1 : 0) }
        if case .object = a, case .object = b, let x = a["value"]?.number, let y = b["value"]?.number,
           a["code"] == b["code"] || a["unit"] == b["unit"] {
            return x < y ? -1 : (x > y ? 1 : 0)
        }
        return nil
    }

    func distinct(_ items: FHIRPathCollection) -> FHIRPathCollection {
        var result: FHIRPathCollection = []
        for item in items where !result.contains(where: { equal($0.value, item.value) == true }) { result.append(item) }
        return result
    }
}
