/// Where the server may send data on an organization's say-so (its learning record store): only to
/// public addresses. Loopback, private, link-local, shared, multicast and reserved ranges are
/// refused, so a setting cannot turn the server against its own network (SSRF). Plain `http` only
/// to loopback, and only when the operator allows it for tests.
public enum OutboundAddress {
    /// Whether the address (4 or 16 bytes, network order) is one the server may connect to.
    public static func isPublic(_ bytes: [UInt8]) -> Bool {
        switch bytes.count {
        case 4: return isPublicV4(bytes)
        case 16: return isPublicV6(bytes)
        default: return false
        }
    }

    public static func isLoopback(_ bytes: [UInt8]) -> Bool {
        switch bytes.count {
        case 4: return bytes[0] == 127
        case 16: return bytes == [UInt8](repeating: 0, count: 15) + [1] || (isV4Mapped(bytes) && bytes[12] == 127)
        default: return false
        }
    }

    private static func isPublicV4(_ b: [UInt8]) -> Bool {
        let (a, s) = (b[0], b[1])
        if a == 0 || a == 10 || a == 127 || a >= 224 { return false }            // this network, private, loopback, multicast, reserved
        if a == 100 && (64...127).contains(s) { return false }                      // shared address space (carrier NAT)
        if a == 169 && s == 254 { return false }                                     // link-local (cloud metadata lives here)
        if a == 172 && (16...31).contains(s) { return false }                       // private
        if a == 192 && s == 168 { return false }                                     // private
        if a == 192 && s == 0 && (b[2] == 0 || b[2] == 2) { return false }          // protocol assignments, documentation
        if a == 198 && (s == 18 || s == 19) { return false }                        // benchmarking
        if a == 198 && s == 51 && b[2] == 100 { return false }                      // documentation
        if a == 203 && s == 0 && b[2] == 113 { return false }                       // documentation
        return true
    }

    private static func isV4Mapped(_ b: [UInt8]) -> Bool {
        b[0..<10].allSatisfy { $0 == 0 } && b[10] == 0xff && b[11] == 0xff
    }

    private static func isPublicV6(_ b: [UInt8]) -> Bool {
        if isV4Mapped(b) { return isPublicV4(Array(b[12..<16])) }
        if b[0..<12].allSatisfy({ $0 == 0 }) { return false }                         // unspecified, loopback, IPv4-compatible
        if b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b { return b[4..<12].allSatisfy { $0 == 0 } && isPublicV4(Array(b[12..<16])) }  // NAT64; 64:ff9b:1::/48 local
        if b[0..<8].allSatisfy({ $0 == 0 }) && b[8] == 0xff && b[9] == 0xff { return false }   // ::ffff:0:0:0/96 (SIIT translated)
        if b[0] == 0x20 && b[1] == 0x02 { return isPublicV4(Array(b[2..<6])) }              // 6to4: the IPv4 address it embeds
        if b[0] & 0xfe == 0xfc { return false }                                        // unique local
        if b[0] == 0xfe && b[1] & 0xc0 == 0x80 { return false }                        // link-local
        if b[0] == 0xfe && b[1] & 0xc0 == 0xc0 { return false }                        // site-local (deprecated, still routed inside some networks)
        if b[0] == 0xff { return false }                                               // multicast
        if b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8 { return false } // documentation
        return true
    }
}
