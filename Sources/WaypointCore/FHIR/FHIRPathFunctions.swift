import Foundation

extension FHIRPathEvaluator {
    /// Arguments are evaluated lazily: criteria (`where`, `select`, …) run once per element with that
    /// element as `$this`; ordinary arguments run against the outer `$this`.
    func call(_ name: String, on input: FHIRPathCollection, arguments: [FHIRPathNode],
              outerThis: FHIRPathCollection, outerIndex: Int?) throws -> FHIRPathCollection {
        func argument(_ position: Int) throws -> FHIRPathCollection {
            guard position < arguments.count else { throw fail("\(name)() needs \(position + 1) argument(s)") }
            return try evaluate(arguments[position], input: outerThis, this: outerThis, index: outerIndex)
        }
        func perElement(_ position: Int, _ item: FHIRPathItem, _ index: Int) throws -> FHIRPathCollection {
            // Checked like `argument`: `where()` without its criteria was an index past the end (libFuzzer).
            guard position < arguments.count else { throw fail("\(name)() needs \(position + 1) argument(s)") }
            return try evaluate(arguments[position], input: [item], this: [item], index: index)
        }
        func bool(_ value: Bool) -> FHIRPathCollection { [FHIRPathItem(.bool(value))] }
        func numberFunction(_ transform: (Double) -> Double?) throws -> FHIRPathCollection {
            guard let single = try singleton(input) else { return [] }
            guard let value = number(single) else { throw fail("\(name)() needs a number") }
            return transform(value).map { [FHIRPathItem(.decimal($0))] } ?? []
        }
        func stringFunction(_ transform: (String) throws -> JSONValue?) throws -> FHIRPathCollection {
            guard let single = try singleton(input) else { return [] }
            guard case .string(let text) = single.value else { throw fail("\(name)() needs a string") }
            return try transform(text).map { [FHIRPathItem($0)] } ?? []
        }

        switch name {
        case "where":
            return try input.enumerated().filter { try boolean(try perElement(0, $1, $0)) == true }.map(\.element)
        case "select":
            return try input.enumerated().flatMap { try perElement(0, $1, $0) }
        case "repeat":
            var result: FHIRPathCollection = []
            var frontier = input
            while !frontier.isEmpty {
                let next = try frontier.enumerated().flatMap { try perElement(0, $1, $0) }
                    .filter { candidate in !result.contains { $0.value == candidate.value } }
                result += next
                frontier = next
            }
            return result
        case "exists":
            if arguments.isEmpty { return bool(!input.isEmpty) }
            return bool(try input.enumerated().contains { try boolean(try perElement(0, $1, $0)) == true })
        case "all":
            return bool(try input.enumerated().allSatisfy { try boolean(try perElement(0, $1, $0)) == true })
        case "empty": return bool(input.isEmpty)
        case "count": return [FHIRPathItem(.integer(input.count))]
        case "first": return Array(input.prefix(1))
        case "last": return Array(input.suffix(1))
        case "tail": return Array(input.dropFirst())
        case "skip": return Array(input.dropFirst(max(0, try integer(try argument(0)) ?? 0)))
        case "take": return Array(input.prefix(max(0, try integer(try argument(0)) ?? 0)))
        case "single": return try singleton(input).map { [$0] } ?? []
        case "distinct": return distinct(input)
        case "isDistinct": return bool(distinct(input).count == input.count)
        case "combine": return input + (try argument(0))
        case "union": return distinct(input + (try argument(0)))
        case "intersect":
            let other = try argument(0)
            return distinct(input.filter { item in other.contains { equal($0.value, item.value) == true } })
        case "exclude":
            let other = try argument(0)
            return input.filter { item in !other.contains { equal($0.value, item.value) == true } }
        case "subsetOf":
            let other = try argument(0)
            return bool(input.allSatisfy { item in other.contains { equal($0.value, item.value) == true } })
        case "supersetOf":
            let other = try argument(0)
            return bool(other.allSatisfy { item in input.contains { equal($0.value, item.value) == true } })
        case "iif":
            let condition = try boolean(try argument(0))
            if condition == true { return try argument(1) }
            return arguments.count > 2 ? try argument(2) : []
        case "not":
            guard let value = try boolean(input) else { return [] }
            return bool(!value)
        case "allTrue": return bool(input.allSatisfy { $0.value == .bool(true) })
        case "anyTrue": return bool(input.contains { $0.value == .bool(true) })
        case "allFalse": return bool(input.allSatisfy { $0.value == .bool(false) })
        case "anyFalse": return bool(input.contains { $0.value == .bool(false) })
        case "hasValue": return bool(input.count == 1 && !input[0].value.isObject)
        case "children": return children(input)
        case "descendants":
            var result: FHIRPathCollection = []
            var frontier = children(input)
            while !frontier.isEmpty { result += frontier; frontier = children(frontier) }
            return result
        case "ofType", "is", "as":
            let type = try (arguments.first.map { node -> String in
                if case .identifier(let t) = node { return t }
                if case .string(let t) = node { return t }
                throw fail("\(name)() needs a type name")
            }) ?? ""
            let matching = input.filter { matches($0.value, type: type) }
            if name == "is" { return input.isEmpty ? [] : bool(matching.count == input.count) }
            return matching
        case "sum":
            if input.isEmpty { return [FHIRPathItem(.integer(0))] }
            var total: JSONValue = .integer(0)
            for item in input {
                let value: JSONValue = number(item).map { item.value.number == nil ? .decimal($0) : item.value } ?? .null
                guard value != .null, let next = try arithmetic("+", total, value) else { throw fail("sum() needs numbers") }
                total = next
            }
            return [FHIRPathItem(total)]
        case "min", "max", "avg":
            let numbers = input.compactMap(number)
            guard !numbers.isEmpty else { return [] }
            let value = name == "min" ? numbers.min()! : name == "max" ? numbers.max()! : numbers.reduce(0, +) / Double(numbers.count)
            return [FHIRPathItem(.decimal(value))]
        case "round":
            let precision = arguments.isEmpty ? 0 : (try integer(try argument(0)) ?? 0)
            let scale = pow(10.0, Double(precision))
            return try numberFunction { ($0 * scale).rounded(.toNearestOrAwayFromZero) / scale }
        case "power":
            guard let exponent = try singleton(try argument(0)).flatMap(number) else { return [] }
            if case .integer(let base)? = input.first?.value, input.count == 1, exponent >= 0, exponent == exponent.rounded() {
                return [FHIRPathItem(.integer(try Self.exactInteger(pow(Double(base), exponent))))]
            }
            return try numberFunction { let r = pow($0, exponent); return r.isNaN ? nil : r }
        case "sqrt": return try numberFunction { $0 < 0 ? nil : $0.squareRoot() }
        case "abs": return try numberFunction { abs($0) }
        case "ceiling": return try numberFunction { $0.rounded(.up) }
        case "floor": return try numberFunction { $0.rounded(.down) }
        case "truncate": return try numberFunction { $0.rounded(.towardZero) }
        case "ln": return try numberFunction { $0 > 0 ? log($0) : nil }
        case "exp": return try numberFunction { exp($0) }
        case "toInteger":
            guard let single = try singleton(input) else { return [] }
            switch single.value {
            case .integer: return [single]
            case .string(let s): return Int(s).map { [FHIRPathItem(.integer($0))] } ?? []
            case .bool(let b): return [FHIRPathItem(.integer(b ? 1 : 0))]
            default: return []
            }
        case "toDecimal":
            guard let single = try singleton(input) else { return [] }
            if let value = single.value.number { return [FHIRPathItem(.decimal(value))] }
            if case .string(let s) = single.value, let value = Double(s) { return [FHIRPathItem(.decimal(value))] }
            return []
        case "toString":
            guard let single = try singleton(input) else { return [] }
            switch single.value {
            case .string: return [single]
            case .integer(let v): return [FHIRPathItem(.string(String(v)))]
            case .decimal(let v): return [FHIRPathItem(.string(String(v)))]
            case .bool(let v): return [FHIRPathItem(.string(String(v)))]
            default: return []
            }
        case "length": return try stringFunction { .integer($0.count) }
        case "upper": return try stringFunction { .string($0.uppercased()) }
        case "lower": return try stringFunction { .string($0.lowercased()) }
        case "trim": return try stringFunction { .string($0.trimmingCharacters(in: .whitespaces)) }
        case "startsWith":
            let prefix = try singleton(try argument(0))?.value.string ?? ""
            return try stringFunction { .bool($0.hasPrefix(prefix)) }
        case "endsWith":
            let suffix = try singleton(try argument(0))?.value.string ?? ""
            return try stringFunction { .bool($0.hasSuffix(suffix)) }
        case "contains" where !arguments.isEmpty:
            let part = try singleton(try argument(0))?.value.string ?? ""
            return try stringFunction { .bool(part.isEmpty || $0.contains(part)) }
        case "indexOf":
            let part = try singleton(try argument(0))?.value.string ?? ""
            return try stringFunction { text in .integer(text.range(of: part).map { text.distance(from: text.startIndex, to: $0.lowerBound) } ?? -1) }
        case "substring":
            let start = try integer(try argument(0)) ?? 0
            let length = arguments.count > 1 ? try integer(try argument(1)) : nil
            return try stringFunction { text in
                guard start >= 0, start < text.count else { return nil }
                let from = text.index(text.startIndex, offsetBy: start)
                let to = length.map { text.index(from, offsetBy: min(max(0, $0), text.distance(from: from, to: text.endIndex))) } ?? text.endIndex
                return .string(String(text[from..<to]))
            }
        case "replace":
            let pattern = try singleton(try argument(0))?.value.string ?? ""
            let replacement = try singleton(try argument(1))?.value.string ?? ""
            return try stringFunction { .string(pattern.isEmpty ? $0 : $0.replacingOccurrences(of: pattern, with: replacement)) }
        case "matches":
            let pattern = try singleton(try argument(0))?.value.string ?? ""
            try FHIRPathRegexLimits.check(pattern, fail: fail)
            return try stringFunction { text in
                guard text.count <= FHIRPathRegexLimits.maxInput else { return nil }
                return .bool(text.range(of: pattern, options: .regularExpression) != nil)
            }
        case "join":
            let separator = arguments.isEmpty ? "" : (try singleton(try argument(0))?.value.string ?? "")
            return [FHIRPathItem(.string(input.compactMap(\.value.string).joined(separator: separator)))]
        case "today": return [FHIRPathItem(.string(environment.today))]
        case "now": return [FHIRPathItem(.string(environment.nowText))]
        case "trace": return input
        // SDC (Structured Data Capture) additions.
        case "answers":
            return descendantAnswers(input)
        case "ordinal", "weight":
            return input.compactMap { item in environment.weights.weight(of: item.value, linkId: item.linkId).map { FHIRPathItem(.decimal($0)) } }
        default:
            throw fail("the function \(name)() is not supported")
        }
    }

    /// SDC `answers()`: every answer in a QuestionnaireResponse (or item), nested items included.
    func descendantAnswers(_ input: FHIRPathCollection) -> FHIRPathCollection {
        var result: FHIRPathCollection = []
        func visit(_ item: FHIRPathItem) {
            for answer in member([item], "answer") {
                result.append(answer)
                member([answer], "item").forEach(visit)
            }
            member([item], "item").forEach(visit)
        }
        input.forEach(visit)
        return result
    }

    func matches(_ value: JSONValue, type: String) -> Bool {
        let name = type.split(separator: ".").last.map(String.init) ?? type
        switch (value, name) {
        case (.string, "string"), (.string, "code"), (.string, "uri"), (.string, "date"), (.string, "dateTime"): return true
        case (.integer, "integer"), (.integer, "decimal"), (.decimal, "decimal"), (.bool, "boolean"): return true
        case (.object(let o), _):
            if o["resourceType"]?.string == name { return true }
            if name == "Coding" { return o["code"] != nil && o["value"] == nil }
            if name == "Quantity" { return o["value"]?.number != nil }
            return false
        default: return false
        }
    }
}

/// The pattern of `matches()` comes from the expression, which may come from an imported form. A
/// backtracking engine takes exponential time on a repeated group that itself repeats or branches
/// ("(a+)+", "(a|aa)*"),
/// so such patterns are refused, and patterns and the text they run on are kept short.
enum FHIRPathRegexLimits {
    static let maxPattern = 200
    static let maxInput = 2_000

    static func check(_ pattern: String, fail: (String) -> FHIRPathEvaluationError) throws {
        guard pattern.count <= maxPattern else { throw fail("the pattern of matches() is longer than \(maxPattern) characters") }
        if pattern.range(of: #"\([^()]*[+*}|][^()]*\)\s*[+*{]"#, options: .regularExpression) != nil {
            throw fail("the pattern of matches() repeats a group that itself repeats, which can take unbounded time")
        }
        guard (try? NSRegularExpression(pattern: pattern)) != nil else { throw fail("the pattern of matches() is not a valid regular expression") }
    }
}
