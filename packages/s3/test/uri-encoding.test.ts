import { describe, expect, it } from "vitest";
import { encodeObjectKey, encodeQuery } from "../src/uri-encoding.js";

describe("the lean path's request paths and queries, encoded as SigV4 canonicalises them", () => {
  it("encodes keys per segment: spaces, '+', unicode and AWS-reserved characters, slashes kept", () => {
    expect(encodeObjectKey("nar/a b+c.nar")).toBe("nar/a%20b%2Bc.nar");
    expect(encodeObjectKey("dir/ünï-✓/x(1)*!'~._-")).toBe("dir/%C3%BCn%C3%AF-%E2%9C%93/x%281%29%2A%21%27~._-");
    expect(encodeObjectKey("q/a?b=c&d#e%25")).toBe("q/a%3Fb%3Dc%26d%23e%2525");
  });

  it("encodes query names and values", () => {
    expect(encodeQuery({ partNumber: "2", uploadId: "a/b+c=" })).toBe("partNumber=2&uploadId=a%2Fb%2Bc%3D");
    expect(encodeQuery({})).toBe("");
  });
});
