// Lint with type information, for the bugs that matter in async, I/O-heavy code (a
// promise nobody awaits is work that may be lost after the answer), not for style:
// style is Prettier's (`npm run format`).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", ".hookgate/", ".vercel/", "coverage/", "tests/bench/out-*/"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" },
      ],
      // Ports are async by contract; an implementation that happens not to await is fine.
      "@typescript-eslint/require-await": "off",
      // Refusing control characters (NUL first) is the point of those patterns.
      "no-control-regex": "off",
    },
  },
  {
    // Tests read JSON answers (`await response.json()` is `any`) and poke at them.
    files: ["tests/**/*.ts"],
    rules: {
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      // Stand-in servers stringify what a client sent, whatever it is; tests pass methods as values.
      "@typescript-eslint/no-base-to-string": "off",
      "@typescript-eslint/unbound-method": "off",
    },
  },
  { files: ["**/*.js"], languageOptions: { globals: { process: "readonly", console: "readonly" } } },
  { files: ["**/*.js"], ...tseslint.configs.disableTypeChecked },
);
