import Testing

@testable import Collector

@Suite struct EndpointTests {
  @Test func pathsAndFolderNames() {
    #expect(Endpoint.at(path: "/v1/customerio") == .customerio)
    #expect(Endpoint.at(path: "/v1/braze") == .braze)
    #expect(Endpoint.at(path: "/v1/events/orders_2") == .generic("orders_2"))
    #expect(Endpoint.generic("orders").name == "events/orders")
    for bad in ["/v1/events/", "/v1/events/../x", "/v1/events/Orders", "/v1/events/_x", "/v1/events/a/b", "/v1/customerio/", "/v1/events/" + String(repeating: "a", count: 65)] {
      #expect(Endpoint.at(path: bad) == nil, "\(bad)")
    }
  }
}
