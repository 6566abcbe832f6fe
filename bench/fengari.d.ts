// The part of fengari's API (a Lua 5.3 VM in JavaScript; the package ships no
// types) that bench/vm.ts uses to run its Lua peer programs.

declare module 'fengari' {
  /** A lua_State: opaque here. */
  export interface LuaState {
    readonly __luaState: never;
  }
  export const lua: {
    readonly LUA_OK: number;
    lua_pcall(L: LuaState, nargs: number, nresults: number, msgh: number): number;
    lua_tojsstring(L: LuaState, index: number): string;
    lua_settop(L: LuaState, index: number): void;
    lua_close(L: LuaState): void;
  };
  export const lauxlib: {
    luaL_newstate(): LuaState;
    luaL_loadbuffer(L: LuaState, buffer: Uint8Array, size: number | null, chunkname: Uint8Array): number;
  };
  export const lualib: {
    luaL_openlibs(L: LuaState): void;
  };
  export function to_luastring(s: string): Uint8Array;
}
