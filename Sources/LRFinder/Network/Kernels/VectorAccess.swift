/// Unaligned vector loads and stores of a kernel's Float (and Int32) buffers: `V.scalarCount`
/// consecutive values from a pointer on, as one SIMD vector.
extension UnsafePointer {
    /// The `V.scalarCount` values from here on as one vector (no alignment needed).
    @inline(__always)
    func vector<V: SIMD>(_: V.Type) -> V where V.Scalar == Pointee { UnsafeRawPointer(self).loadUnaligned(as: V.self) }
}

extension UnsafeMutablePointer {
    /// The `V.scalarCount` values from here on as one vector (no alignment needed).
    @inline(__always)
    func vector<V: SIMD>(_: V.Type) -> V where V.Scalar == Pointee { UnsafeRawPointer(self).loadUnaligned(as: V.self) }

    /// Writes `vector`'s values from here on (no alignment needed).
    @inline(__always)
    func store<V: SIMD>(_ vector: V) where V.Scalar == Pointee { UnsafeMutableRawPointer(self).storeBytes(of: vector, as: V.self) }
}
