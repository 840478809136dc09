/// The check that the cells a data file names things with are UTF-8 text: a label that is a name,
/// a category, a header name. Such a cell becomes a String, and a String made of bytes that are not
/// UTF-8 (Latin-1 `Z\xFCrich`, `Z\xE4rich`) gets U+FFFD for each bad byte, which would make
/// different names one. Numbers are never decoded, so numeric cells are not checked.
enum CSVTextCheck {
    /// The offset of the first byte of `bytes` that does not begin a well-formed UTF-8 sequence
    /// (Unicode's table 3-7: a continuation byte alone, a lead byte whose continuation bytes are
    /// missing or out of range, C0, C1 or F5-FF), or nil when all of them are text.
    static func firstInvalidByte(in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var index = 0
        while index < bytes.count {
            let lead = bytes[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            // The sequence's length and the range of its second byte (the others are 80-BF).
            let length: Int, second: ClosedRange<UInt8>
            switch lead {
            case 0xC2...0xDF: (length, second) = (2, 0x80...0xBF)
            case 0xE0: (length, second) = (3, 0xA0...0xBF)
            case 0xED: (length, second) = (3, 0x80...0x9F)
            case 0xE1...0xEF: (length, second) = (3, 0x80...0xBF)
            case 0xF0: (length, second) = (4, 0x90...0xBF)
            case 0xF1...0xF3: (length, second) = (4, 0x80...0xBF)
            case 0xF4: (length, second) = (4, 0x80...0x8F)
            default: return index
            }
            guard index + length <= bytes.count, second.contains(bytes[index + 1]) else { return index }
            for offset in 2..<length where !(0x80...0xBF).contains(bytes[index + offset]) { return index }
            index += length
        }
        return nil
    }

    /// `bytes` as a message shows them: text, with each byte that is not UTF-8 written `\xFC`.
    static func shown(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        var result = ""
        var start = 0
        while start < bytes.count {
            let rest = UnsafeBufferPointer(rebasing: bytes[start...])
            guard let bad = firstInvalidByte(in: rest) else {
                result += String(decoding: rest, as: UTF8.self)
                break
            }
            result += String(decoding: UnsafeBufferPointer(rebasing: rest[..<bad]), as: UTF8.self) + hex(rest[bad])
            start += bad + 1
        }
        return result
    }

    /// A byte that is not ASCII (0x80-0xFF), `0xFC`, as `\xFC`.
    private static func hex(_ byte: UInt8) -> String { "\\x" + String(byte, radix: 16, uppercase: true) }
}

extension CSVRecord {
    /// Throws unless the bytes of `field` (the `column`th, 1-based) are UTF-8 text: "`what` is not
    /// valid UTF-8 text (byte 0xFC at offset 1 of the field; ...)" with the field as its bytes
    /// show (`Z\xFCrich`). `what` names the cell: `label`, `category`, `header name`.
    func checkUTF8(_ field: Range<Int>, as what: String, column: Int, file: String) throws {
        let cell = UnsafeBufferPointer(rebasing: bytes[field])
        guard let offset = CSVTextCheck.firstInvalidByte(in: cell) else { return }
        let byte = String(cell[offset], radix: 16, uppercase: true)
        let shown = CSVTextCheck.shown(UnsafeBufferPointer(rebasing: cell.prefix(Self.shownByteCount)))
        throw DataError(file: file, line: line, column: column,
                        message: "\(what) is not valid UTF-8 text (byte 0x\(byte) at offset \(offset) of the field); convert the file to UTF-8 (from Latin-1: iconv -f latin1 -t utf-8)",
                        text: DataError.cut(shown))
    }
}
