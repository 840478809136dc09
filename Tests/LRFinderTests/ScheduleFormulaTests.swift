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

    @Test func parsedOnceEvaluatedPerEpoch() throws {
        let formula = try Formula("0.5^floor(epoch / 10)")
        #expect([0.0, 9, 10, 25].map(formula.evaluate(epoch:)) == [1, 1, 0.5, 0.25])
        #expect(formula.description == "0.5^floor(epoch / 10)")
        #expect(try Formula("epoch") == Formula("epoch"))
    }
}
