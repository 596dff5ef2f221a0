// The app's installation on each shop: whether it is installed, and which access scopes the shop
// has granted (the required scopes from install, plus optional scopes granted later through
// App Bridge's scopes API). A write scope implies its read scope, as on Shopify.

export interface ScopesDetail {
  granted: string[];
  required: string[];
  optional: string[];
}

export interface ScopesChange {
  shop: string;
  previous: string[];
  current: string[];
}

interface Installation {
  installed: boolean;
  optionalGranted: Set<string>;
}

/** Whether `granted` allows `scope` (write_x allows read_x). */
export function scopeAllows(granted: readonly string[], scope: string): boolean {
  if (granted.includes(scope)) return true;
  return scope.startsWith("read_") && granted.includes(`write_${scope.slice("read_".length)}`);
}

export class AppInstallations {
  private shops = new Map<string, Installation>();
  private listeners: ((change: ScopesChange) => void)[] = [];

  constructor(
    readonly requiredScopes: readonly string[],
    readonly optionalScopes: readonly string[],
  ) {}

  onScopesChange(listener: (change: ScopesChange) => void): void {
    this.listeners.push(listener);
  }

  reset(): void {
    this.shops = new Map();
  }

  private of(shop: string): Installation {
    let installation = this.shops.get(shop);
    if (!installation) {
      installation = { installed: true, optionalGranted: new Set() };
      this.shops.set(shop, installation);
    }
    return installation;
  }

  isInstalled(shop: string): boolean {
    return this.of(shop).installed;
  }

  /** Install (again): only the required scopes, as a fresh install grants. */
  install(shop: string): void {
    const installation = this.of(shop);
    if (installation.installed) return;
    installation.installed = true;
    installation.optionalGranted = new Set();
  }

  uninstall(shop: string): boolean {
    const installation = this.of(shop);
    if (!installation.installed) return false;
    installation.installed = false;
    installation.optionalGranted = new Set();
    return true;
  }

  granted(shop: string): string[] {
    return [
      ...this.requiredScopes,
      ...[...this.of(shop).optionalGranted].filter((s) => !this.requiredScopes.includes(s)),
    ];
  }

  allows(shop: string, scope: string): boolean {
    return scopeAllows(this.granted(shop), scope);
  }

  detail(shop: string): ScopesDetail {
    return { granted: this.granted(shop), required: [...this.requiredScopes], optional: [...this.optionalScopes] };
  }

  /** Grants optional scopes (App Bridge `scopes.request`). Scopes not declared optional are refused. */
  request(shop: string, scopes: readonly string[]): { detail: ScopesDetail } | { error: string } {
    const undeclared = scopes.filter(
      (scope) => !this.optionalScopes.includes(scope) && !this.requiredScopes.includes(scope),
    );
    if (undeclared.length > 0) {
      return {
        error: `Scopes ${undeclared.join(", ")} are not declared as optional_scopes in the app's configuration (shopify.app.toml)`,
      };
    }
    const installation = this.of(shop);
    const previous = this.granted(shop);
    for (const scope of scopes) if (!this.requiredScopes.includes(scope)) installation.optionalGranted.add(scope);
    this.notify(shop, previous);
    return { detail: this.detail(shop) };
  }

  /** appRevokeAccessScopes: only granted optional scopes can be revoked. */
  revoke(shop: string, scopes: readonly string[]): { revoked: string[] } | { error: string; code: string } {
    for (const scope of scopes) {
      if (this.requiredScopes.includes(scope))
        return { error: `Required scope ${scope} cannot be revoked.`, code: "CANNOT_REVOKE_REQUIRED_SCOPES" };
      if (!this.optionalScopes.includes(scope))
        return { error: `Scope ${scope} is not declared by the app.`, code: "CANNOT_REVOKE_UNDECLARED_SCOPES" };
    }
    const installation = this.of(shop);
    const previous = this.granted(shop);
    const revoked = scopes.filter((scope) => installation.optionalGranted.delete(scope));
    this.notify(shop, previous);
    return { revoked };
  }

  private notify(shop: string, previous: string[]): void {
    const current = this.granted(shop);
    if (previous.join(",") === current.join(",")) return;
    for (const listener of this.listeners) listener({ shop, previous, current });
  }
}
