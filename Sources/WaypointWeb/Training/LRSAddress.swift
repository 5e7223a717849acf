import Foundation
#if canImport(Glibc)
import Glibc
#endif
import WaypointCore

/// The learning record store's host, resolved and checked against `OutboundAddress` before each
/// send and when the setting is saved: every address it resolves to must be public (or, where the
/// operator allows loopback for tests, loopback).
enum LRSAddress {
    struct Refused: Error {}

    /// Resolves the endpoint's host; refuses when any of its addresses may not be reached. A host
    /// that does not resolve is refused too when `mustResolve` (at send time); a setting naming it
    /// is accepted, and checked again at each send.
    static func check(_ endpoint: String, allowLoopback: Bool, mustResolve: Bool) throws {
        guard let host = URL(string: endpoint)?.host else { throw Refused() }
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        let addresses = resolve(bare)
        if addresses.isEmpty, mustResolve { throw Refused() }
        for address in addresses where !(OutboundAddress.isPublic(address) || (allowLoopback && OutboundAddress.isLoopback(address))) {
            throw Refused()
        }
    }

    /// Every address the host names (a literal is its own), as bytes in network order.
    static func resolve(_ host: String) -> [[UInt8]] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else { return [] }
        defer { freeaddrinfo(first) }
        var addresses: [[UInt8]] = []
        var next: UnsafeMutablePointer<addrinfo>? = first
        while let info = next {
            if let address = info.pointee.ai_addr {
                switch Int32(address.pointee.sa_family) {
                case AF_INET:
                    address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { v4 in
                        addresses.append(withUnsafeBytes(of: v4.pointee.sin_addr) { Array($0) })
                    }
                case AF_INET6:
                    address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { v6 in
                        addresses.append(withUnsafeBytes(of: v6.pointee.sin6_addr) { Array($0) })
                    }
                default: break
                }
            }
            next = info.pointee.ai_next
        }
        return addresses
    }
}
