// GraphiQL for Stride, bundled (nothing loads from a CDN) and served on GET /graphql.
// Requests carry `X-Stride-Console: 1`, so the console's session cookie authorizes them; a
// bearer token in the headers pane works too. Subscriptions go over /graphql/ws, which
// accepts the cookie from this origin.
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { createClient } from 'graphql-ws';
import 'graphiql/graphiql.css';
import './graphiql.css';

const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql/ws`;

const fetcher = createGraphiQLFetcher({
  url: '/graphql',
  headers: { 'X-Stride-Console': '1' },
  wsClient: createClient({ url: wsUrl, lazy: true, connectionParams: {} }),
});

const defaultQuery = `# Stride's GraphQL API. Logged in to the console? Your session works here.
# Otherwise: mutation { login(email: "…", password: "…") { token } } and put
# {"Authorization": "Bearer <token>"} in the headers pane below.
{
  me {
    id
    displayName
    role
  }
}
`;

const root = document.getElementById('graphiql');
if (root) {
  createRoot(root).render(
    createElement(GraphiQL, { fetcher, defaultQuery, shouldPersistHeaders: false }),
  );
}
