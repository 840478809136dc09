import Foundation
import Testing
@testable import LRFinder

/// The formula language of `lambda` and `multiplicative`: values, precedence and parse errors.
@Suite struct ScheduleFormulaTests {
    @Test(arguments: [
        ("0.95^epoch", 2.0, 0.9025),
        ("-2^2", 0.0, -4.0),
        ("-epoch^2", 3.0, -9.0),
        ("2^3^2", 0.0, 512.0),
        ("2^-1", 0.0, 0.5),
        ("2 * 3^2", 0.0, 18.0),
        ("1 + 2 * 3 - 4 / 2", 0.0, 5.0),
        ("8 / 4 / 2", 0.0, 1.0),
        ("10 - 4 - 3", 0.0, 3.0),
        ("(1 + 2) * 3", 0.0, 9.0),
        ("--3", 0.0, 3.0),
        ("epoch < 40 ? 0.5 : epoch < 70 ? 0.25 : epoch < 90 ? 0.125 : 0.0625", 39.0, 0.5),
        ("epoch < 40 ? 0.5 : epoch < 70 ? 0.25 : epoch < 90 ? 0.125 : 0.0625", 40.0, 0.25),
        ("epoch < 40 ? 0.5 : epoch < 70 ? 0.25 : epoch < 90 ? 0.125 : 0.0625", 75.0, 0.125),
        ("epoch < 40 ? 0.5 : epoch < 70 ? 0.25 : epoch < 90 ? 0.125 : 0.0625", 95.0, 0.0625),
        ("epoch > 1 ? 2 : 3 + 1", 0.0, 4.0),
        ("1 + 1 < 3", 0.0, 1.0),
        ("(epoch >= 2) + (epoch == 3) + (epoch != 3) + (epoch <= 3) + (epoch > 3)", 3.0, 3.0),
        ("max(0.1, 1 - epoch / 10)", 9.5, 0.1),
        ("min(1, 2, epoch)", 0.5, 0.5),
        ("max(1, 2, 3, epoch)", 7.0, 7.0),
        ("floor(epoch / 3) + sqrt(4) + exp(0) + log(1) + cos(0) + sin(0)", 7.0, 6.0),
        ("floor(-0.5)", 0.0, -1.0),
        ("1e-1 * 2.5E+1 + .5", 0.0, 3.0),
        ("0.98**e", 1.0, 0.98),
    ])
    func value(text: String, epoch: Double, want: Double) throws {
        #expect(abs(try Formula(text).evaluate(epoch: epoch) - want) < 1e-12)
    }

    @Test(arguments: [
        ("0.95^", "at character 6: expected a number, 'epoch', a function or '(', found the end"),
        ("(1 + 2", "at character 7: expected ')', found the end"),
        ("epoch < 3 ? 1", "at character 14: expected ':' of the conditional, found the end"),
        ("epok * 2", "at character 1: expected 'epoch' or a function (exp, log, sqrt, cos, sin, floor, min, max), found 'epok'"),
        ("max(1)", "at character 1: expected two or more arguments for max, found 1"),
        ("exp(1, 2)", "at character 1: expected one argument for exp, found 2"),
        ("sqrt 4", "at character 6: expected '(' after sqrt, found '4'"),
        ("2 $ 3", "at character 3: expected an operator or the end, found '$'"),
        ("1 2", "at character 3: expected an operator or the end, found '2'"),
        ("", "at character 1: expected an expression, found nothing"),
    ])
    func parseError(text: String, message: String) {
        do {
            _ = try Formula(text)
            Issue.record("'\(text)' parsed")
        } catch {
            #expect("\(error)" == "formula '\(text)': \(message)")
        }
    }

    /// Issue 10, item 3: deep nesting crashed the parser (signal 11); it is bounded, with the
    /// position and the limit in the error.
    @Test(arguments: [
        (String(repeating: "(", count: 15_000) + "1" + String(repeating: ")", count: 15_000), 201),
        (String(repeating: "-", count: 100_000) + "1", 201),
        (String(repeating: "exp(", count: 20_000) + "0" + String(repeating: ")", count: 20_000), 801),
        (String(repeating: "2^", count: 10_000) + "1", 402),
        (String(repeating: "1 ? 1 : ", count: 10_000) + "1", 1_603),
        (String(repeating: "max(1, ", count: 1_000) + "1" + String(repeating: ")", count: 1_000), 1_401),
    ])
    func deepNestingIsRefused(text: String, position: Int) {
        do {
            _ = try Formula(text)
            Issue.record("a formula of \(text.count) characters parsed")
        } catch let error as FormulaError {
            #expect(error.position == position)
            #expect(error.expected.hasPrefix("at most 200 levels of nesting"))
            #expect(error.found == "level 201")
            let message = error.description
            #expect(message.hasPrefix("formula '\(text.prefix(40))...' (\(text.count) characters): at character \(position): expected at most 200 levels"), "\(message)")
            #expect(message.count < 250 && !message.contains("\n"), "\(message)")
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test func nestingUpToTheLimitParses() throws {
        let depth = Formula.maximumNesting
        #expect(try Formula(String(repeating: "(", count: depth) + "epoch" + String(repeating: ")", count: depth)).evaluate(epoch: 3) == 3)
        #expect(try Formula(String(repeating: "-", count: depth) + "2").evaluate(epoch: 0) == 2)
        #expect(try Formula(String(repeating: "exp(", count: 3) + "0" + String(repeating: ")", count: 3)).evaluate(epoch: 0) == Foundation.exp(Foundation.exp(1)))
    }

    /// A long chain of `+ -` or `* /` is one level, evaluated in a loop (a left-deep tree of
    /// 50,000 additions overflowed the stack when evaluated).
    @Test func longChainsAreOneLevel() throws {
        let sum = try Formula(String(repeating: "1 + ", count: 50_000) + "epoch")
        #expect(sum.evaluate(epoch: 2) == 50_002)
        let product = try Formula(String(repeating: "2 * ", count: 100) + "epoch / 2 / 2")
        #expect(product.evaluate(epoch: 1) == Foundation.pow(2, 98))
        #expect(try Formula("10 - 4 - 3 * 2 / 3 + 1").evaluate(epoch: 0) == 5)
    }

    @Test func parsedOnceEvaluatedPerEpoch() throws {
        let formula = try Formula("0.5^floor(epoch / 10)")
        #expect([0.0, 9, 10, 25].map(formula.evaluate(epoch:)) == [1, 1, 0.5, 0.25])
        #expect(formula.description == "0.5^floor(epoch / 10)")
        #expect(try Formula("epoch") == Formula("epoch"))
    }
}
