/** The project's config file name (its own module: `--help` shows it without loading the zod schema). */
export const CONFIG_FILE = 'tenants.config.json';
