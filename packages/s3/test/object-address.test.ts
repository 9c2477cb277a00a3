import { describe, expect, it } from "vitest";
import { connectS3 } from "../src/index.js";
import { objectPath, resolveBucketAddress } from "../src/object-address.js";

async function addressOf(url: string): Promise<{ host: string; path: string; protocol: string; region: string }> {
  const connection = connectS3(url, { credentials: { accessKeyId: "a", secretAccessKey: "b" } });
  try {
    const address = await resolveBucketAddress(connection.client, connection.bucket);
    return {
      host: address.host,
      path: objectPath(address, "nar/a b.nar"),
      protocol: address.protocol,
      region: address.signingRegion,
    };
  } finally {
    connection.client.destroy();
  }
}

describe("lean path object addresses follow the SDK's endpoint rules and connectS3's addressing choice", () => {
  it("uses path-style for a custom endpoint (Nix 2.33 full URL and Nix 2.32 host:port + scheme)", async () => {
    expect(await addressOf("s3://cache?endpoint=http%3A%2F%2F127.0.0.1%3A7480")).toEqual({
      host: "127.0.0.1:7480",
      path: "/cache/nar/a%20b.nar",
      protocol: "http:",
      region: "us-east-1",
    });
    expect(await addressOf("s3://cache?endpoint=minio.local:9000&scheme=http&region=eu-west-1")).toEqual({
      host: "minio.local:9000",
      path: "/cache/nar/a%20b.nar",
      protocol: "http:",
      region: "eu-west-1",
    });
  });

  it("keeps an endpoint's base path", async () => {
    expect((await addressOf("s3://cache?endpoint=https%3A%2F%2Fgw.example%2Fs3")).path).toBe("/s3/cache/nar/a%20b.nar");
  });

  it("uses virtual-hosted AWS addresses without endpoint, and path-style for dotted buckets", async () => {
    expect(await addressOf("s3://my-cache?region=eu-central-1")).toEqual({
      host: "my-cache.s3.eu-central-1.amazonaws.com",
      path: "/nar/a%20b.nar",
      protocol: "https:",
      region: "eu-central-1",
    });
    expect(await addressOf("s3://my.cache")).toMatchObject({
      host: "s3.us-east-1.amazonaws.com",
      path: "/my.cache/nar/a%20b.nar",
    });
  });

  it("honours addressing-style=virtual with a custom endpoint", async () => {
    expect(
      await addressOf("s3://cache?endpoint=http%3A%2F%2Fminio.local%3A9000&addressing-style=virtual"),
    ).toMatchObject({
      host: "cache.minio.local:9000",
      path: "/nar/a%20b.nar",
    });
  });
});
