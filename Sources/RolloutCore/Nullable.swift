/// An optional field of an API answer whose key is always there: `null` when it has no value
/// (Swift's synthesized coding leaves the key out, and a script reading `target` of a region
/// without one would find no key at all). Reading accepts the key missing as well as null.
@propertyWrapper
public struct Nullable<Value> {
    /// The value; nil is written as `null`.
    public var wrappedValue: Value?
    /// A field holding a value, or nil.
    public init(wrappedValue: Value?) { self.wrappedValue = wrappedValue }
}

extension Nullable: Equatable where Value: Equatable {}
extension Nullable: Hashable where Value: Hashable {}
extension Nullable: Sendable where Value: Sendable {}

extension Nullable: Encodable where Value: Encodable {
    /// Writes the value, or `null` when there is none.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        if let wrappedValue { try c.encode(wrappedValue) } else { try c.encodeNil() }
    }
}

extension Nullable: Decodable where Value: Decodable {
    /// Reads the value, `null` as nil.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        wrappedValue = c.decodeNil() ? nil : try c.decode(Value.self)
    }
}

extension KeyedDecodingContainer {
    /// A missing key reads as nil.
    public func decode<T: Decodable>(_ type: Nullable<T>.Type, forKey key: Key) throws -> Nullable<T> {
        try decodeIfPresent(type, forKey: key) ?? Nullable(wrappedValue: nil)
    }
}
