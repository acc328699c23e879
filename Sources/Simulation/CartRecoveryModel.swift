/// The generating model of the simulated cart-recovery journey (`holdout simulate --scenario
/// cart-recovery`): who buys back their abandoned cart, when, and how the journey's messages
/// (SMS at 1 h, email at 20 h, a last-call email at 48 h) change it.
///
/// A user abandons a cart at t0. Without messages they come back and buy it with probability
/// `naturalRecovery` (by cart band) at t0 + Exp(mean 30 h). In the journey arm each message, sent
/// only if the user has not bought yet (the journey exits on purchase) and the user is reachable
/// on that channel, triggers a purchase with its own probability at send + Exp(mean 3–6 h). The
/// earliest purchase wins. The planted effect is therefore known exactly in distribution but
/// not in closed form; `truth.json` records the parameters.
public struct CartRecoveryModel: Sendable {
  /// The arms: a 10 % holdout and the journey.
  public static let arms: [(name: String, weight: Double)] = [("holdout", 0.1), ("journey", 0.9)]
  /// The experiment key (and hash salt).
  public static let key = "cart-recovery-2026"

  /// A journey step.
  public struct Step: Sendable {
    /// The channel (`sms`, `email`).
    public var channel: String
    /// Hours after the cart was abandoned.
    public var hours: Double
    /// Customer.io action id of the step.
    public var action: Int
    /// Share of users reachable on the channel.
    public var reachable: Double
    /// Probability that the message triggers a purchase.
    public var nudge: Double
    /// Mean hours from send to the triggered purchase.
    public var delayHours: Double
    /// Email subject (nil for SMS).
    public var subject: String?
  }

  /// The journey's steps, in order.
  public static let steps: [Step] = [
    Step(channel: "sms", hours: 1, action: 11, reachable: 0.7, nudge: 0.05, delayHours: 3, subject: nil),
    Step(channel: "email", hours: 20, action: 12, reachable: 0.95, nudge: 0.035, delayHours: 5,
         subject: "You left something in your cart"),
    Step(channel: "email", hours: 48, action: 13, reachable: 0.95, nudge: 0.025, delayHours: 6,
         subject: "Last call: your cart expires tonight"),
  ]

  /// Cart bands (segment values) with their upper bound and natural recovery probability.
  public static let bands: [(name: String, below: Double, naturalRecovery: Double)] = [
    ("under_50", 50, 0.17), ("50_to_150", 150, 0.15), ("over_150", .infinity, 0.12),
  ]

  /// Mean hours to a natural (unprompted) purchase.
  public static let naturalDelayHours = 30.0
  /// Log-normal cart value parameters (median about 70).
  public static let valueMu = 4.25
  /// Log-normal cart value spread.
  public static let valueSigma = 0.6
  /// Probability a delivered message is followed by an unsubscribe, per channel.
  public static let unsubscribe: [String: Double] = ["sms": 0.006, "email": 0.003]
  /// Probability of a preference-centre unsubscribe within 10 days of entry, any arm.
  public static let preferenceUnsubscribe = 0.012
  /// Repeat orders per day after the first 3 days (and before entry), both arms.
  public static let repeatOrdersPerDay = 0.008
}
