import type { PlaceLevel } from '../load/place-file.js';

/**
 * The level a reported name says it is at: "Deir ez Zor Governorate", "Albu Kamal district",
 * "ناحية هجين". Folding drops these words so that the names meet (fold.ts), which also loses what
 * they say; read here from the raw name, they let "Deir ez Zor district" mean the district rather
 * than the governorate it shares its name with.
 */
const LATIN: Record<string, PlaceLevel> = {
  governorate: 1,
  province: 1,
  muhafazat: 1,
  district: 2,
  mintaqat: 2,
  subdistrict: 3,
  nahiya: 3,
  nahiyah: 3,
  nahiyat: 3,
};
const ARABIC: Record<string, PlaceLevel> = {
  محافظة: 1,
  محافظه: 1,
  منطقة: 2,
  منطقه: 2,
  ناحية: 3,
  ناحيه: 3,
};

export function levelNamedBy(name: string): PlaceLevel | undefined {
  const tokens = name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}]+/u)
    .filter(Boolean);
  const levels = tokens.map((token, index) => {
    // "sub-district" and "sub district" are one word split in two.
    if (token === 'district' && tokens[index - 1] === 'sub') return 3;
    return LATIN[token] ?? ARABIC[token];
  });
  // The last designator wins: "Subdistrict of Hajin, Albu Kamal District" is ambiguous anyway.
  return levels.filter((level) => level !== undefined).at(-1);
}
