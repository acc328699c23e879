import Statistics
import TestSupport
import Testing

/// Reference values from scipy 1.17.1 (statistics.md#verification, R1–R3), embedded as computed
/// there.
@Suite struct NormalTests {
  @Test(arguments: [
    (0.5, 0.0), (0.8, 0.8416212335729143), (0.9, 1.2815515655446004), (0.95, 1.6448536269514722),
    (0.975, 1.959963984540054), (0.99, 2.3263478740408408), (0.995, 2.5758293035489004),
    (0.9995, 3.2905267314919255), (1e-10, -6.361340902404056),
  ])
  func quantile(p: Double, expected: Double) {
    expectClose(Normal.quantile(p), expected, relative: 1e-14, absolute: 1e-300)
  }

  @Test(arguments: [
    (-1.959963984540054, 0.025, 0.975), (0.0, 0.5, 0.5), (1.0, 0.8413447460685429, 0.15865525393145707),
    (1.96, 0.9750021048517795, 0.024997895148220435), (3.0, 0.9986501019683699, 0.0013498980316300933),
    (-8.0, 6.22096057427174e-16, 0.9999999999999993), (-20.0, 2.7536241186061556e-89, 1.0),
  ])
  func cdfAndTail(x: Double, cdf: Double, sf: Double) {
    expectClose(Normal.cdf(x), cdf, relative: 1e-13)
    expectClose(Normal.sf(x), sf, relative: 1e-13)
  }

  @Test func quantileInvertsCDFAcrossTheRange() {
    for p in [1e-300, 1e-100, 1e-20, 1e-5, 0.01, 0.3, 0.7, 0.99, 1 - 1e-10] {
      expectClose(Normal.cdf(Normal.quantile(p)), p, relative: 1e-12, "p = \(p)")
    }
    #expect(Normal.quantile(0) == -.infinity)
    #expect(Normal.quantile(1) == .infinity)
    #expect(Normal.quantile(1.5).isNaN)
  }
}

@Suite struct StudentTTests {
  @Test(arguments: [
    (1.0, 0.975, 12.706204736174694), (2.0, 0.975, 4.302652729749462), (3.0, 0.975, 3.1824463052837078),
    (5.0, 0.975, 2.5705818356363146), (10.0, 0.975, 2.228138851986274), (30.0, 0.975, 2.0422724563012378),
    (100.0, 0.975, 1.9839715185235518), (1000.0, 0.975, 1.9623390808264083),
    (100000.0, 0.975, 1.9599877075346095), (7.3, 0.975, 2.345066736547703),
    (1.0, 0.95, 6.313751514675037), (5.0, 0.95, 2.0150483733330233), (30.0, 0.95, 1.697260886593957),
    (1000.0, 0.95, 1.6463788172854643),
  ])
  func quantile(df: Double, p: Double, expected: Double) {
    expectClose(StudentT(degreesOfFreedom: df).quantile(p), expected, relative: 1e-10, "df \(df)")
    expectClose(StudentT(degreesOfFreedom: df).quantile(1 - p), -expected, relative: 1e-10)
  }

  @Test(arguments: [
    (5.0, 2.0, 0.9490302605850708, 0.050969739414929174),
    (10.0, 2.5, 0.9842765778816955, 0.01572342211830441),
    (1000.0, 1.96, 0.9748634075221256, 0.025136592477874368),
    (3.0, -3.2, 0.0246659214813481, 0.975334078518652),
    (2.0, 10.0, 0.9950737714883372, 0.004926228511662845),
    (7.3, 2.0, 0.9580294803329484, 0.041970519667051565),
  ])
  func cdfAndTail(df: Double, t: Double, cdf: Double, sf: Double) {
    let distribution = StudentT(degreesOfFreedom: df)
    expectClose(distribution.cdf(t), cdf, relative: 1e-10)
    expectClose(distribution.sf(t), sf, relative: 1e-10)
  }

  @Test func largeDegreesOfFreedomApproachTheNormal() {
    let t = StudentT(degreesOfFreedom: 1e9)
    expectClose(t.quantile(0.975), 1.959963984540054, relative: 1e-8)
    expectClose(t.sf(1.96), 0.024997895148220435, relative: 1e-8)
  }
}

@Suite struct ChiSquaredTests {
  @Test(arguments: [
    (1.0, 3.841458820694124, 0.04999999999999989), (1.0, 10.0, 0.001565402258002549),
    (1.0, 10.827566170662733, 0.0010000000000000007), (2.0, 5.991464547107979, 0.05000000000000007),
    (5.0, 20.0, 0.0012497305630313773), (1.0, 0.5, 0.47950012218695337),
    (3.0, 100.0, 1.5541594313896026e-21), (10.0, 1.0, 0.9998278843700441),
    (2.0, 25.0, 3.7266531720786718e-06),
  ])
  func survival(df: Double, x: Double, expected: Double) {
    expectClose(ChiSquared(degreesOfFreedom: df).sf(x), expected, relative: 1e-12, "df \(df), x \(x)")
  }

  @Test func cdfComplementsSurvival() {
    expectClose(ChiSquared(degreesOfFreedom: 10).cdf(1.0), 0.00017211562995584072, relative: 1e-12)
    expectClose(ChiSquared(degreesOfFreedom: 1).cdf(0.5), 0.5204998778130466, relative: 1e-13)
  }
}
