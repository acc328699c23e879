import Testing

@testable import Ingest

/// Schema parsing: names and namespaces, references, logical types and their fallbacks, and the
/// schemas that are refused.
@Suite struct AvroSchemaTests {
  static func parse(_ text: String) throws(IngestError) -> AvroSchema {
    try AvroSchema.parse(Array(text.utf8), path: "s.avro")
  }

  @Test func namesTakeTheEnclosingNamespaceAndReferencesResolve() throws {
    let schema = try Self.parse(
      #"""
      {"type":"record","name":"Outer","namespace":"a.b","fields":[
        {"name":"x","type":{"type":"fixed","name":"F","size":2}},
        {"name":"y","type":"F"},
        {"name":"z","type":"a.b.F"},
        {"name":"w","type":{"type":"enum","name":"c.E","symbols":["P"]}},
        {"name":"v","type":{"type":"record","name":"In","namespace":"","fields":[{"name":"e","type":"c.E"}]}},
        {"name":"u","type":"In"}
      ]}
      """#)
    guard case .record(let name, let fields) = schema.root.kind else { throw Failure() }
    #expect(name == "a.b.Outer")
    #expect(fields[0].type == fields[1].type && fields[1].type == fields[2].type)
    #expect(schema.nodes[fields[0].type].kind == .fixed(name: "a.b.F", size: 2))
    #expect(schema.nodes[fields[3].type].kind == .enumeration(name: "c.E", symbols: ["P"]))
    guard case .record("In", let inner) = schema.nodes[fields[4].type].kind else { throw Failure() }
    #expect(inner[0].type == fields[3].type)
    #expect(fields[5].type == fields[4].type)
  }

  struct Failure: Error {}

  @Test func logicalTypesApplyOnlyWhereValid() throws {
    func logical(_ type: String) throws -> AvroSchema.Logical? { try Self.parse(type).root.logical }
    #expect(try logical(#"{"type":"bytes","logicalType":"decimal","precision":10,"scale":2}"#) == .decimal(precision: 10, scale: 2))
    #expect(try logical(#"{"type":"fixed","name":"D","size":8,"logicalType":"decimal","precision":18}"#) == .decimal(precision: 18, scale: 0))
    // Invalid: scale above precision, no precision, a precision the fixed size cannot hold.
    #expect(try logical(#"{"type":"bytes","logicalType":"decimal","precision":2,"scale":3}"#) == nil)
    #expect(try logical(#"{"type":"bytes","logicalType":"decimal"}"#) == nil)
    #expect(try logical(#"{"type":"fixed","name":"D","size":8,"logicalType":"decimal","precision":19}"#) == nil)
    #expect(try logical(#"{"type":"fixed","name":"U","size":16,"logicalType":"uuid"}"#) == .uuid)
    #expect(try logical(#"{"type":"fixed","name":"U","size":15,"logicalType":"uuid"}"#) == nil)
    #expect(try logical(#"{"type":"string","logicalType":"date"}"#) == nil)
    #expect(try logical(#"{"type":"long","logicalType":"timestamp-nanos"}"#) == .timestampNanos)
    #expect(try logical(#"{"type":"int","logicalType":"timestamp-millis"}"#) == nil)
    #expect(try logical(#"{"type":"long","logicalType":"local-timestamp-micros"}"#) == .localTimestampMicros)
    #expect(try logical(#"{"type":"fixed","name":"D","size":12,"logicalType":"duration"}"#) == .duration)
    #expect(try logical(#"{"type":"bytes","logicalType":"big-decimal"}"#) == nil)
  }

  @Test func anInvalidLogicalTypeReadsTheUnderlyingValue() throws {
    let schema = #"{"type":"record","name":"R","fields":[{"name":"d","type":{"type":"bytes","logicalType":"decimal","precision":1,"scale":5}},{"name":"t","type":{"type":"int","logicalType":"timestamp-millis"}}]}"#
    let file = AvroFixtures.file(schema: schema, blocks: [(1, [4, 0x41, 0xFF, 0x54])])
    #expect(try AvroFixtures.transcode(file) == "{\"d\":\"A\u{FF}\",\"t\":42}\n")
  }

  @Test func invalidSchemasAreRefusedWithTheirLine() {
    func message(_ text: String) -> String {
      do {
        _ = try Self.parse(text)
        return "(parsed)"
      } catch { return error.description }
    }
    #expect(message(#"{"type":"record","name":"R","fields":[{"name":"a","type":"Missing"}]}"#).contains("'Missing' is neither a primitive type nor a named type defined before it"))
    #expect(message("{\"type\":\"record\",\"name\":\"R\",\"fields\":[\n{\"name\":\"a\",\"type\":\"int\"},\n{\"name\":\"a\",\"type\":\"long\"}]}").contains("line 3: record 'R' has two fields named 'a'"))
    #expect(message(#"[{"type":"fixed","name":"F","size":1},{"type":"fixed","name":"F","size":2}]"#).contains("'F' is defined twice"))
    #expect(message(#"{"type":"enum","name":"int","symbols":[]}"#).contains("'int' is a primitive type and cannot be redefined"))
    #expect(message(#"{"type":"fixed","name":"F","size":-1}"#).contains("has no \"size\" between 0 and 2147483647"))
    #expect(message(#"{"type":"record","name":"R"}"#).contains("has no \"fields\" array"))
    #expect(message("{\"type\":").contains("is not valid JSON (line 1, column 9"))
    #expect(message("17").contains("a type must be a name, an object or an array (a union), not a number"))
    #expect(message("\"int\"") == "(parsed)")
  }

  @Test func minimumSizesAreLowerBoundsEvenForRecursiveAndSharedTypes() throws {
    let schema = try Self.parse(
      #"{"type":"record","name":"T","fields":[{"name":"a","type":"double"},{"name":"f","type":{"type":"fixed","name":"F","size":3}},{"name":"g","type":"F"},{"name":"next","type":["null","T"]}]}"#)
    #expect(schema.minimumSizes()[0] == 8 + 3 + 3 + 1)
  }
}
