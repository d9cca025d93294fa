import { describe, expect, it } from '@jest/globals';
import { foldName, latinSkeleton, nameKeys } from './fold.js';

describe('Arabic folding', () => {
  it.each([
    ['strips diacritics (tashkeel)', 'مُطَشّر', 'مطشر'],
    ['strips the superscript alef', 'هٰذا', 'هذا'],
    ['strips tatweel', 'مطـــشر', 'مطشر'],
    ['unifies alef with hamza above', 'أحمد', 'احمد'],
    ['unifies alef with hamza below', 'إدلب', 'ادلب'],
    ['unifies alef with madda', 'آل', 'ال'],
    ['unifies alef wasla', 'ٱبن', 'ابن'],
    ['reads alef maqsura as yaa', 'موسى', 'موسي'],
    ['reads taa marbuta as haa', 'حماة', 'حماه'],
    ['reads waw with hamza as waw', 'مؤتمر', 'موتمر'],
    ['reads yaa with hamza as yaa', 'عشائر', 'عشاير'],
    ['turns Arabic-Indic digits to ASCII', 'الفرقة ١٧', 'فرقه 17'],
    ['turns Extended Arabic-Indic digits to ASCII', 'لواء ۱۷', 'لواء 17'],
    ['reads Persian keyboard kaf and yaa as Arabic', 'کاکینز', 'كاكينز'],
  ])('%s', (_, input, folded) => {
    expect(foldName(input)).toBe(folded);
  });

  it('drops bidi controls, zero-width joiners and the Arabic letter mark', () => {
    expect(foldName('\u202Bدير\u200F الزور\u202C\u061C\u200C')).toBe('دير زور');
  });

  it('drops the article ال so it does not block a match', () => {
    expect(foldName('العكيدات')).toBe(foldName('عكيدات'));
    expect(foldName('الهفل')).toBe('هفل');
  });

  it.each([
    ['والعكيدات', 'عكيدات'],
    ['بالعكيدات', 'عكيدات'],
    ['فالعكيدات', 'عكيدات'],
    ['للعكيدات', 'عكيدات'],
    ['وللتحالف', 'تحالف'],
  ])('drops the article with the particle written onto it in "%s"', (input, folded) => {
    expect(foldName(input)).toBe(folded);
  });

  it('leaves a word that merely starts with و or ب', () => {
    expect(foldName('وزارة الخارجية')).toBe('وزاره خارجيه');
    expect(foldName('بغداد')).toBe('بغداد');
  });

  it('keeps a short word that only starts like the article', () => {
    expect(foldName('الى')).toBe('الي');
  });

  it.each([
    ['عشيرة العكيدات', 'عكيدات'],
    ['قبيلة العكيدات', 'عكيدات'],
    ['الشيخ مطشر الهفل', 'مطشر هفل'],
    ['العقيد مايلز كاكينز', 'مايلز كاكينز'],
    ['محافظة دير الزور', 'دير زور'],
    ['منطقة البوكمال', 'بوكمال'],
    ['ناحية هجين', 'هجين'],
  ])('drops the designator in "%s"', (input, folded) => {
    expect(foldName(input)).toBe(folded);
  });

  it('keeps a name made only of designators rather than fold it to nothing', () => {
    expect(foldName('العشيرة')).toBe('عشيره');
  });
});

describe('Latin folding', () => {
  it.each([
    ['case', 'DEIR EZ-ZOR', 'deir zor'],
    ['accents', 'Türkiye', 'turkiye'],
    ['transliteration marks', 'Nāḩiyat Markaz al Ḩasakah', 'markaz hasakah'],
    ['dotless i and barred l', 'Kızıl Łuk', 'kizil luk'],
    ['hyphens split words', 'Al-Akidat', 'akidat'],
    ['apostrophes join a word', "Da'ar al-Khalaf", 'daar khalaf'],
    ['typographic apostrophes and ayn marks', 'Daʿar al-Khalaf', 'daar khalaf'],
    ['right single quotation marks', 'Da’ar al-Khalaf', 'daar khalaf'],
    ['other punctuation splits', 'Col. Myles Caggins', 'myles caggins'],
  ])('folds %s', (_, input, folded) => {
    expect(foldName(input)).toBe(folded);
  });

  it.each(['al', 'el', 'ad', 'ar', 'as', 'az', 'ash', 'ez', 'es', 'at', 'an', 'ul'])(
    'drops the article variant "%s-"',
    (article) => {
      expect(foldName(`Dayr ${article}-Zawr`)).toBe('dayr zawr');
      expect(foldName(`${article} Mayadin`)).toBe('mayadin');
    },
  );

  it.each([
    ['Deir ez-Zor Governorate', 'deir zor'],
    ['Albu Kamal district', 'albu kamal'],
    ['Hajin town', 'hajin'],
    ['Hajin sub-district', 'hajin'],
    ['Hajin Sub District', 'hajin'],
    ['Nahiyat Hajin', 'hajin'],
    ['As Susah village', 'susah'],
    ['Al-Egaidat tribe', 'egaidat'],
    ['Sheikh Mutashar al-Hafl', 'mutashar hafl'],
  ])('drops the designator in "%s"', (input, folded) => {
    expect(foldName(input)).toBe(folded);
  });

  it('makes "ez Zor", "ez-Zor" and "az-Zawr" meet', () => {
    const keys = ['Deir ez Zor', 'Deir ez-Zor', 'Dayr az-Zawr'].map(nameKeys);
    expect(keys[0]!.folded).toBe(keys[1]!.folded);
    expect(new Set(keys.map((key) => key.skeleton))).toEqual(new Set(['dr zr']));
  });
});

describe('the consonant skeleton of Latin transliterations', () => {
  it('gives the spellings of one Arabic name one outline', () => {
    const outlines = ['Akidat', 'Egaidat', 'Aqeedat', 'Al-Egaidat', 'Uqaydat'].map((name) => nameKeys(name).skeleton);
    expect(new Set(outlines)).toEqual(new Set(['kdt']));
  });

  it('folds doubled letters and k/q/g/c', () => {
    expect(nameKeys('Caggins').skeleton).toBe('kns');
    expect(nameKeys('Kaggins').skeleton).toBe('kns');
    expect(latinSkeleton('mayyadin')).toBe('mdn');
  });

  it('leaves out outlines too short to tell names apart', () => {
    expect(nameKeys('Hama').skeleton).toBe('');
  });

  it('is empty for Arabic, whose folded form already is one', () => {
    expect(nameKeys('العكيدات').skeleton).toBe('');
  });

  it('keeps words apart so a search can match a run of them', () => {
    expect(nameKeys('Mutashar al-Hafl').skeleton).toBe('mtsr fl');
  });
});

describe('folding keeps what it must not change', () => {
  it('leaves the digits and letters of mixed-script names', () => {
    expect(foldName('Brigade 17 / اللواء ١٧')).toBe('brigade 17 لواء 17');
  });

  it('is idempotent', () => {
    for (const name of ['عشيرة العكيدات', 'Deir ez-Zor Governorate', 'مُطَشّر الهفل', "Da'ar al-Khalaf"]) {
      expect(foldName(foldName(name))).toBe(foldName(name));
    }
  });
});
