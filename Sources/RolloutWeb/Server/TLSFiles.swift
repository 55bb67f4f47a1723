import Foundation
import NIOSSL
import RolloutCore
import X509

/// A certificate chain and its private key, read from PEM files for `rollout serve --tls-cert
/// --tls-key`, and checked before the server starts: each file readable and of its kind, and the
/// key the one the certificate was issued for (NIOSSL would otherwise fail at each handshake).
public struct TLSFiles: Sendable {
    let configuration: TLSConfiguration

    /// Reads and checks both PEM files; throws the `tls_…` error that names the problem.
    public init(certificate certificatePath: String, key keyPath: String) throws {
        let certificateText = try Self.read(certificatePath)
        let keyText = try Self.read(keyPath)
        let chain: [NIOSSLCertificate]
        let leaf: Certificate
        do {
            chain = try NIOSSLCertificate.fromPEMBytes(Array(certificateText.utf8))
            leaf = try Certificate(pemEncoded: certificateText)
        } catch {
            throw RolloutError("tls_bad_certificate", kind: .invalid, ["value": certificatePath, "reason": "\(error)"])
        }
        guard !chain.isEmpty else { throw RolloutError("tls_bad_certificate", kind: .invalid, ["value": certificatePath, "reason": "—"]) }
        let key: NIOSSLPrivateKey
        let checked: Certificate.PrivateKey
        do {
            key = try NIOSSLPrivateKey(bytes: Array(keyText.utf8), format: .pem)
            checked = try Certificate.PrivateKey(pemEncoded: keyText)
        } catch {
            throw RolloutError("tls_bad_key", kind: .invalid, ["value": keyPath, "reason": "\(error)"])
        }
        guard checked.publicKey == leaf.publicKey else {
            throw RolloutError("tls_key_mismatch", kind: .invalid, ["value": keyPath, "certificate": certificatePath])
        }
        configuration = .makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
    }

    private static func read(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RolloutError("tls_file_unreadable", kind: .invalid, ["value": path])
        }
        return String(decoding: data, as: UTF8.self)
    }
}
