import { describe, expect, it } from "vitest";
import {
  ApiFailure,
  BUSY_RETRIES,
  asApiError,
  honouredWait,
  httpTransport,
  makeBackend,
  readCookie,
  tauriTransport,
  waitingOutBusy,
} from "./backend";
import { operations } from "./generated";

type Call = { url: string; init: RequestInit };

function fakeFetch(status: number, body: unknown, calls: Call[]): typeof fetch {
  return (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return new Response(typeof body === "string" ? body : JSON.stringify(body), { status });
  }) as unknown as typeof fetch;
}

describe("the HTTP transport", () => {
  it("posts each operation to its route with the anti-forgery token from its cookie", async () => {
    const calls: Call[] = [];
    const api = makeBackend(httpTransport("", fakeFetch(200, { step: "code", ticket: "t" }, calls), () => "a=1; kabinet_csrf=tok%3D; b=2"));
    const answer = await api.recovery_start({ login: "+79123456789" });
    expect(answer).toEqual({ step: "code", ticket: "t" });
    expect(calls[0].url).toBe("/api/v1/recovery_start");
    expect(calls[0].init.method).toBe("POST");
    expect((calls[0].init.headers as Record<string, string>)["x-csrf-token"]).toBe("tok=");
    expect(calls[0].init.credentials).toBe("same-origin");
    expect(JSON.parse(calls[0].init.body as string)).toEqual({ login: "+79123456789" });
  });

  it("turns an error answer into an ApiFailure with the server's fields", async () => {
    const error = { code: "invalid_input", message: "Проверьте поля", fields: [{ field: "contact", rules: [{ rule: "not_mobile", params: {} }] }] };
    const api = makeBackend(httpTransport("", fakeFetch(400, error, [])));
    await expect(api.registration_start({} as never)).rejects.toMatchObject({ error });
  });

  it("reports a failed connection or a non-JSON answer as a clear error", async () => {
    const refused = httpTransport("", (async () => {
      throw new TypeError("Failed to fetch");
    }) as unknown as typeof fetch);
    await expect(refused("me", {})).rejects.toMatchObject({ error: { code: "unavailable" } });
    const proxy = httpTransport("", fakeFetch(502, "<html>Bad gateway</html>", []));
    await expect(proxy("me", {})).rejects.toMatchObject({ error: { code: "unavailable" } });
  });

  it("makes a method for every operation", () => {
    const api = makeBackend(async () => ({})) as unknown as Record<string, unknown>;
    for (const name of Object.keys(operations)) expect(typeof api[name]).toBe("function");
  });
});

describe("the Tauri transport", () => {
  it("invokes the command named after the operation with the request", async () => {
    const seen: unknown[] = [];
    const api = makeBackend(tauriTransport(async (cmd, args) => (seen.push([cmd, args]), { ok: true })));
    await api.me({});
    expect(seen).toEqual([["me", { request: {} }]]);
  });
  it("keeps the command's {code, message} error", async () => {
    const api = makeBackend(tauriTransport(async () => Promise.reject({ code: "account_locked", message: "…", retry_at: "2026-11-27T10:00:00Z" })));
    const thrown = await api.sign_in({ login: "x", password: "y" }).catch((e) => e);
    expect(thrown).toBeInstanceOf(ApiFailure);
    expect(asApiError(thrown)).toMatchObject({ code: "account_locked", retry_at: "2026-11-27T10:00:00Z" });
  });
});

describe("cookies", () => {
  it("reads one cookie among many and nothing from an empty string", () => {
    expect(readCookie("x=1; kabinet_csrf=abc", "kabinet_csrf")).toBe("abc");
    expect(readCookie("", "kabinet_csrf")).toBeUndefined();
  });
});

describe("a busy backend", () => {
  const busy = (ms: number, code = "unavailable") =>
    new ApiFailure({ code, message: "busy", retry_at: new Date(1_000_000 + ms).toISOString() } as never);

  it("is waited out when it says when, for any operation, a bounded number of times", async () => {
    let calls = 0;
    const waits: number[] = [];
    const transport = waitingOutBusy(
      async () => {
        calls += 1;
        if (calls < 3) throw busy(800);
        return { ok: true };
      },
      async (ms) => {
        waits.push(ms);
      },
      () => 1_000_000,
    );
    await expect(transport("registration_set_password", {})).resolves.toEqual({ ok: true });
    expect(calls).toBe(3);
    expect(waits).toEqual([800, 800]);
    let forever = 0;
    const stubborn = waitingOutBusy(
      async () => {
        forever += 1;
        throw busy(100, "too_many_requests");
      },
      async () => {},
      () => 1_000_000,
    );
    await expect(stubborn("me", {})).rejects.toBeInstanceOf(ApiFailure);
    expect(forever).toBe(BUSY_RETRIES + 1);
  });

  it("is not waited out for long waits, other errors or refusals without a time", async () => {
    expect(honouredWait(busy(60_000), 1_000_000)).toBeUndefined();
    expect(honouredWait(new ApiFailure({ code: "unavailable", message: "x" } as never), 0)).toBeUndefined();
    expect(honouredWait(busy(500, "account_locked"), 1_000_000)).toBeUndefined();
    expect(honouredWait(new Error("x"), 0)).toBeUndefined();
    expect(honouredWait(busy(10, "too_many_requests"), 1_000_000)).toBe(50);
  });
});
