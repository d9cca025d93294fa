/**
 * Folding of names for search, so that the spellings a name is reported in meet: Arabic with or
 * without diacritics and in its alef and yaa variants, Latin transliterations with or without
 * accents, hyphens, apostrophes and the many spellings of the Arabic article. The stored name is
 * never changed; folding only builds the keys it is found by.
 *
 * Two keys per name:
 * - `folded`: the name in one script-aware canonical form, articles and designators dropped,
 *   tokens joined by single spaces ("Deir ez-Zor Governorate" → "deir zor").
 * - `skeleton`: for Latin script, the consonant outline of the folded form, so that
 *   transliterations of one Arabic word meet ("Dayr az-Zawr" and "Deir ez-Zor" → "dr zr";
 *   "Akidat", "Egaidat" and "Aqeedat" → "kdt"). Empty for Arabic, whose folded form already is one.
 */

const TASHKEEL = /[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED]/g;
const TATWEEL = /\u0640/g;
/** Bidi marks and embeddings, ZWJ/ZWNJ and BOM: invisible, but they break equality. */
const INVISIBLES = /[\u061C\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/g;

const ARABIC_LETTERS: Record<string, string> = {
  'أ': 'ا',
  'إ': 'ا',
  'آ': 'ا',
  'ٱ': 'ا',
  'ى': 'ي',
  'ة': 'ه',
  'ؤ': 'و',
  'ئ': 'ي',
  // Persian keyboard forms that creep into Arabic text.
  'ک': 'ك',
  'ی': 'ي',
};
const ARABIC_LETTER = new RegExp(`[${Object.keys(ARABIC_LETTERS).join('')}]`, 'g');

/** Arabic-Indic (U+0660) and Extended Arabic-Indic (U+06F0) digits to ASCII. */
const ARABIC_DIGIT = /[\u0660-\u0669\u06F0-\u06F9]/g;
const toAsciiDigit = (digit: string) => String((digit.charCodeAt(0) & 0xf) % 10);

/** Words that say what kind of thing is named, not which one: a search need not repeat them. */
const ARABIC_DESIGNATORS = new Set([
  'عشيره',
  'قبيله',
  'شيخ',
  'عقيد',
  'محافظه',
  'منطقه',
  'ناحيه',
  'مدينه',
  'بلده',
  'قريه',
]);
const LATIN_DESIGNATORS = new Set([
  'tribe',
  'clan',
  'sheikh',
  'shaikh',
  'shaykh',
  'sheik',
  'col',
  'colonel',
  'governorate',
  'province',
  'muhafazah',
  'muhafazat',
  'district',
  'mintaqah',
  'mintaqat',
  'subdistrict',
  'nahiya',
  'nahiyah',
  'nahiyat',
  // OpenSyria's letter-for-letter form of ناحية
  'nahyt',
  'town',
  'village',
  'city',
]);
/** The Arabic article as transliterations spell it, sun letters assimilated or not. */
const LATIN_ARTICLES = new Set(['al', 'el', 'il', 'ul', 'ad', 'ed', 'ar', 'er', 'as', 'es', 'az', 'ez', 'ash', 'esh', 'at', 'et', 'an', 'en', 'adh', 'ath']);

const ARABIC_SCRIPT = /[\u0600-\u06FF]/;

export interface NameKeys {
  folded: string;
  skeleton: string;
}

export function nameKeys(name: string): NameKeys {
  const folded = foldName(name);
  return { folded, skeleton: latinSkeleton(folded) };
}

export function foldName(name: string): string {
  const text = foldLetters(name)
    // Apostrophes and ayn/hamza marks join a word ("Da'ar", "Dar‘a"); other punctuation splits.
    .replace(/['’‘`ʿʾʼ]/g, '')
    // "sub-district" and "sub district" are one designator written in two.
    .replace(/\bsub[\s-]+district\b/g, 'subdistrict')
    .replace(/[^\p{L}\p{N}]+/gu, ' ');
  const tokens = text.split(' ').filter(Boolean).flatMap(foldToken);
  const meaningful = tokens.filter((token) => !isDesignator(token));
  // A name made only of designators ("The Tribe") keeps them rather than fold to nothing.
  return (meaningful.length > 0 ? meaningful : tokens).join(' ');
}

const ASCII = /^[\x00-\x7F]*$/;

/** Letters folded one by one: marks, invisibles and letter variants away, lower case. */
function foldLetters(name: string): string {
  // Plain ASCII (most Latin names and titles) has nothing for the passes below to change.
  if (ASCII.test(name)) return name.toLowerCase();
  return (
    name
      .normalize('NFKC')
      .replace(INVISIBLES, '')
      .replace(TASHKEEL, '')
      .replace(TATWEEL, '')
      .replace(ARABIC_LETTER, (letter) => ARABIC_LETTERS[letter]!)
      .replace(ARABIC_DIGIT, toAsciiDigit)
      // Accents go with the marks NFD splits off; ı and ł have no decomposition.
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .replace(/ı/g, 'i')
      .replace(/ł/g, 'l')
  );
}

function foldToken(token: string): string[] {
  if (ARABIC_SCRIPT.test(token)) return [stripArabicArticle(token)];
  return LATIN_ARTICLES.has(token) ? [] : [token];
}

/**
 * "العكيدات" → "عكيدات", and with the particles written onto it: "والعكيدات", "بالعكيدات",
 * "للعكيدات" (ل with the article's alef dropped). A short word that only looks like it ("الى")
 * keeps its letters; a word that merely starts with و or ب ("وزارة") is not touched.
 */
function stripArabicArticle(token: string): string {
  const withParticle = /^[وفبك]?ال(.{2,})$/.exec(token) ?? /^و?لل(.{2,})$/.exec(token);
  return withParticle ? withParticle[1]! : token;
}

const isDesignator = (token: string) => ARABIC_DESIGNATORS.has(token) || LATIN_DESIGNATORS.has(token);

/**
 * Consonant outline of a folded Latin name. Vowels, semivowels and h carry most of the variation
 * between transliterations, and q/k/g/c and doubled letters the rest; what remains is stable enough
 * to match on, and short outlines (under three letters) are left out because they collide.
 */
export function latinSkeleton(folded: string): string {
  if (ARABIC_SCRIPT.test(folded)) return '';
  const skeleton = folded
    .split(' ')
    .map((token) =>
      token
        .replace(/[qgc]/g, 'k')
        .replace(/[aeiouyhw]/g, '')
        .replace(/(.)\1+/g, '$1'),
    )
    .filter(Boolean)
    .join(' ');
  return skeleton.replace(/ /g, '').length >= 3 ? skeleton : '';
}
