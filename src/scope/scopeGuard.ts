import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { isIP, type LookupFunction } from "node:net";
import { AddressSet } from "../targets/index.js";

/**
 * --scope: the only addresses kubetls may ever connect to, whatever the targets, a kubeconfig or the API's
 * node list say. Names are resolved first and every resolved address must be in scope, so a DNS answer
 * cannot walk the scan out of bounds.
 */
export interface ScopeGuard {
  readonly restricted: boolean;
  /** Literal check: an IP must be in scope; a name passes here and is checked when it resolves (`lookup`). */
  allowsHost(host: string): boolean;
  /** For net's `lookup` option: resolves, then refuses out-of-scope answers with an ENOTALLOWED error. */
  lookup: LookupFunction | undefined;
  describe(): string;
}

export const UNRESTRICTED_SCOPE: ScopeGuard = {
  restricted: false,
  allowsHost: () => true,
  lookup: undefined,
  describe: () => "unrestricted",
};

export function scopeGuard(entries: readonly string[]): ScopeGuard {
  if (entries.length === 0) return UNRESTRICTED_SCOPE;
  const scope = AddressSet.parse(entries, "--scope");
  const lookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) {
        callback(error, "", 0);
        return;
      }
      const allowed = addresses.filter((address) => scope.contains(address.address));
      if (allowed.length === 0) {
        const refusal = Object.assign(new Error(`${hostname} resolves outside --scope`), {
          code: "ENOTALLOWED",
        });
        callback(refusal, "", 0);
        return;
      }
      if (options.all) (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, allowed);
      else callback(null, allowed[0]?.address ?? "", allowed[0]?.family ?? 4);
    });
  };
  return {
    restricted: true,
    allowsHost: (host) => scope.contains(host) || isIP(host) === 0,
    lookup,
    describe: () => entries.join(","),
  };
}
