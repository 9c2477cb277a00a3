import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { SigV4Signer, UNSIGNED_PAYLOAD } from "../src/sigv4.js";
import { canonicalQuery, encodeObjectKey } from "../src/uri-encoding.js";

// The worked examples of AWS's "Signature Version 4: Authenticating requests (AWS signature)" S3 documentation,
// signed with the documentation's example credentials on 2013-05-24 in us-east-1.
const exampleCredentials = {
  accessKeyId: "AKIAIOSFODNN7EXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
};
const exampleTime = new Date("2013-05-24T00:00:00Z");
const emptyHash = createHash("sha256").update("").digest("hex");
const host = "examplebucket.s3.amazonaws.com";

function signatureOf(authorization: string | undefined): string {
  return /Signature=([0-9a-f]{64})$/.exec(authorization ?? "")?.[1] ?? "";
}

describe("SigV4 signer against AWS's published S3 examples", () => {
  const signer = new SigV4Signer("us-east-1");

  it("signs the GET Object example (Range header)", () => {
    const headers = signer.sign(
      {
        method: "GET",
        path: "/test.txt",
        query: "",
        headers: { Host: host, Range: "bytes=0-9" },
        payloadHash: emptyHash,
      },
      exampleCredentials,
      exampleTime,
    );
    expect(headers.authorization).toBe(
      "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, " +
        "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, " +
        "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
    );
    expect(headers["x-amz-date"]).toBe("20130524T000000Z");
  });

  it("signs the PUT Object example (key with '$', signed payload)", () => {
    const payload = "Welcome to Amazon S3.";
    const headers = signer.sign(
      {
        method: "PUT",
        path: `/${encodeObjectKey("test$file.text")}`,
        query: "",
        headers: { Host: host, Date: "Fri, 24 May 2013 00:00:00 GMT", "x-amz-storage-class": "REDUCED_REDUNDANCY" },
        payloadHash: createHash("sha256").update(payload).digest("hex"),
      },
      exampleCredentials,
      exampleTime,
    );
    expect(signatureOf(headers.authorization)).toBe("98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
  });

  it("signs the GET Bucket Lifecycle and List Objects examples (query strings)", () => {
    const lifecycle = signer.sign(
      {
        method: "GET",
        path: "/",
        query: canonicalQuery({ lifecycle: "" }),
        headers: { Host: host },
        payloadHash: emptyHash,
      },
      exampleCredentials,
      exampleTime,
    );
    expect(signatureOf(lifecycle.authorization)).toBe(
      "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543",
    );
    const listing = signer.sign(
      {
        method: "GET",
        path: "/",
        query: canonicalQuery({ prefix: "J", "max-keys": "2" }),
        headers: { Host: host },
        payloadHash: emptyHash,
      },
      exampleCredentials,
      exampleTime,
    );
    expect(signatureOf(listing.authorization)).toBe("34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
  });

  it("sends and signs x-amz-security-token when the credentials carry a session token", () => {
    const request = {
      method: "PUT",
      path: "/bucket/key",
      query: "",
      headers: { host: "h" },
      payloadHash: UNSIGNED_PAYLOAD,
    };
    const withToken = signer.sign(request, { ...exampleCredentials, sessionToken: "the-session-token" }, exampleTime);
    expect(withToken["x-amz-security-token"]).toBe("the-session-token");
    expect(withToken.authorization).toContain(
      "SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,",
    );
    const without = signer.sign(request, exampleCredentials, exampleTime);
    expect(without["x-amz-security-token"]).toBeUndefined();
    expect(signatureOf(without.authorization)).not.toBe(signatureOf(withToken.authorization));
  });

  it("uses a new signing key when the day or the secret changes", () => {
    const request = {
      method: "GET",
      path: "/test.txt",
      query: "",
      headers: { Host: host, Range: "bytes=0-9" },
      payloadHash: emptyHash,
    };
    const first = signatureOf(signer.sign(request, exampleCredentials, exampleTime).authorization);
    const nextDay = signatureOf(
      signer.sign(request, exampleCredentials, new Date("2013-05-25T00:00:00Z")).authorization,
    );
    const otherSecret = signatureOf(
      signer.sign(request, { ...exampleCredentials, secretAccessKey: "other" }, exampleTime).authorization,
    );
    expect(new Set([first, nextDay, otherSecret]).size).toBe(3);
    expect(signatureOf(signer.sign(request, exampleCredentials, exampleTime).authorization)).toBe(first);
  });

  it("encodes keys per segment: spaces, '+', unicode and AWS-reserved characters, slashes kept", () => {
    expect(encodeObjectKey("nar/a b+c.nar")).toBe("nar/a%20b%2Bc.nar");
    expect(encodeObjectKey("dir/ünï-✓/x(1)*!'~._-")).toBe("dir/%C3%BCn%C3%AF-%E2%9C%93/x%281%29%2A%21%27~._-");
    expect(canonicalQuery({ uploadId: "a/b+c=", partNumber: "2" })).toBe("partNumber=2&uploadId=a%2Fb%2Bc%3D");
  });
});
