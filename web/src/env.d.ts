/// <reference types="vite/client" />

declare module 'virtual:basemap' {
  /** Country borders clipped to the map's region at build time (web/build/basemap.ts). */
  const countries: { id: string; name: string; rings: [number, number][][] }[];
  export default countries;
}
