// What every resolver of the local store receives (ResolverContext), and the two shapes every
// resolver module returns: connections (edges, nodes, pageInfo) and user errors.
import type { paginate } from "./connection";
import type { LocalStoreState, UserError } from "./state";

export interface ResolverContext {
  state: LocalStoreState;
  shop: string;
  /** The app's API key (currentAppInstallation.app.apiKey). */
  apiKey?: string;
}

export function mapConnection<T, V>(connection: ReturnType<typeof paginate<T>>, view: (item: T) => V) {
  return {
    edges: connection.edges.map((edge) => ({ cursor: edge.cursor, node: view(edge.node) })),
    nodes: connection.nodes.map(view),
    pageInfo: connection.pageInfo,
  };
}

export function userErrorView(error: UserError) {
  return {
    field: error.field,
    message: error.message,
    code: error.code ?? null,
    elementIndex: error.elementIndex ?? null,
  };
}
