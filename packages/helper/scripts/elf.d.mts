/** ELF e_machine of each npm `cpu` a platform package can name. */
export declare const ELF_MACHINES: { readonly x64: 62; readonly arm64: 183 };
/** `{ machine, cpu, static }` of a 64-bit little-endian ELF file; throws when it is not one. */
export declare function readElf(path: string): { machine: number; cpu: 'x64' | 'arm64' | undefined; static: boolean };
