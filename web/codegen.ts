// Types for every query the console sends, generated from the committed SDL. A schema change
// that breaks a query breaks `npm run build`. The output (src/gql/) is not committed.
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: '../schema.graphql',
  documents: ['src/**/*.{ts,tsx}', '!src/gql/**'],
  ignoreNoDocuments: false,
  errorsOnly: true,
  generates: {
    'src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        documentMode: 'string',
        enumsAsTypes: true,
        useTypeImports: true,
        skipTypename: true,
        avoidOptionals: { field: true, inputValue: false, object: true, defaultValue: false },
        scalars: {
          DateTime: 'string',
          NaiveDate: 'string',
          UUID: 'string',
          JSON: 'unknown',
        },
      },
    },
  },
};

export default config;
