import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OutputError, openSink, openSinks } from "../../src/cli/output.js";

/* A report file is replaced only by a whole new report; a path that cannot be written fails at open. */
let directory: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "kubetls-sink-"));
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe("report sinks", () => {
  it("keeps the previous report until close, and throws it away on abort", async () => {
    const path = join(directory, "report.json");
    await writeFile(path, "old");
    const aborted = await openSink(path);
    await aborted.write("half a rep");
    expect(await readFile(path, "utf8")).toBe("old");
    await aborted.abort();
    expect(await readFile(path, "utf8")).toBe("old");
    const completed = await openSink(path);
    await completed.write("new ");
    await completed.write("report");
    expect(await readFile(path, "utf8")).toBe("old");
    await completed.close();
    expect(await readFile(path, "utf8")).toBe("new report");
    expect(await readdir(directory)).toEqual(["report.json"]);
  });

  it("refuses an unwritable path at open, in words, and removes the files it already opened", async () => {
    const good = join(directory, "good.sarif");
    await expect(openSinks([good, "/nonexistent/dir/x.html"])).rejects.toThrow(OutputError);
    await expect(openSink("/nonexistent/dir/x.html")).rejects.toThrow(
      "cannot write the report to /nonexistent/dir/x.html: no such directory /nonexistent/dir (ENOENT)",
    );
    await expect(openSink(directory)).rejects.toThrow(/it is a directory/);
    expect((await readdir(directory)).filter((name) => name.startsWith(".good"))).toEqual([]);
  });
});
