// eslint (flat config): the recommended rules of eslint and typescript-eslint plus a few that
// keep the code honest. Formatting is prettier's job; `npm run lint` runs both.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
    { ignores: ["**/node_modules/**", "rendered/**", "components/dist/**", "build/**"] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        linterOptions: { reportUnusedDisableDirectives: "error" },
        rules: {
            eqeqeq: ["error", "always", { null: "ignore" }],
            "no-var": "error",
            "prefer-const": "error",
            "object-shorthand": ["error", "properties"],
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
        },
    },
    {
        // The CommonJS helpers (the mocha loader): Node's module globals.
        files: ["**/*.js"],
        languageOptions: {
            sourceType: "commonjs",
            globals: {
                require: "readonly",
                module: "writable",
                exports: "writable",
                __dirname: "readonly",
                __filename: "readonly",
                process: "readonly",
                console: "readonly",
                Buffer: "readonly",
            },
        },
        rules: { "@typescript-eslint/no-require-imports": "off" },
    },
    {
        // Tests, benchmarks and the tools read untyped manifests and YAML and load modules afresh
        // under the mock runtime: `any` and `require` are their everyday tools. The component
        // package and the program (components/, stacks/, policy/) keep both rules.
        files: ["tests/**/*.ts", "bench/**/*.ts", "tools/**/*.ts"],
        rules: {
            "@typescript-eslint/no-explicit-any": "off",
            "@typescript-eslint/no-require-imports": "off",
        },
    },
);
