import Testing
@testable import LRFinder

/// Issue 10, item 11: numbers that keep their table column's width.
@Suite struct TableColumnTests {
    @Test(arguments: [
        // While it fits: the column's own style.
        (TableColumn.Style.fixed(fractionDigits: 4), 12, 0.56669, "0.5667"),
        (.fixed(fractionDigits: 4), 12, 79300.5515, "79300.5515"),
        (.fixed(fractionDigits: 4), 12, -1234.5, "-1234.5000"),
        // A loss of 8.2e25 no longer swallows the next column (issue: 82192299795628221641261056.0000).
        (.fixed(fractionDigits: 4), 12, 82192299795628221641261056, "8.219e+25"),
        (.fixed(fractionDigits: 4), 10, -8.2192e25, "-8.22e+25"),
        (.fixed(fractionDigits: 4), 10, 123456.789, "1.235e+05"),
        (.fixed(fractionDigits: 0), 20, 83649.4, "83649"),
        (.significant(digits: 4), 12, 0.001, "0.001"),
        (.significant(digits: 4), 12, 3.16227766e-5, "3.162e-05"),
        (.significant(digits: 4), 12, -1.2345e-100, "-1.234e-100"),
        (.significant(digits: 6), 14, 0.0016, "0.0016"),
        (.significant(digits: 4), 8, -1.2345e-100, "-1e-100"),
        (.fixed(fractionDigits: 4), 12, .nan, "nan"),
        (.fixed(fractionDigits: 4), 12, -.infinity, "-inf"),
    ])
    func numbersFitTheirColumn(style: TableColumn.Style, width: Int, value: Double, want: String) {
        let column = TableColumn(style, width: width)
        #expect(column.text(value) == want)
        #expect(column.text(value).count <= width - 1)
        #expect(column.cell(value).count == width)
        #expect(column.cell(value).hasSuffix(" "))
    }

    @Test func cellsPadButNeverCut() {
        #expect(TableColumn.cell("lr", width: 6) == "lr    ")
        #expect(TableColumn.cell("123456", width: 6) == "123456 ")
        #expect(TableColumn.cell("1234567", width: 6) == "1234567 ")
        // Too narrow for any number: it overflows the column rather than losing digits.
        #expect(TableColumn(.fixed(fractionDigits: 4), width: 3).text(-8.2e25) == "-8e+25")
    }
}
