/**
 * Incidents as an analyst's tool sends them to POST /incidents (and `import ndjson` reads them):
 * about 1 KB each, Arabic as written, spread over five districts, seven categories and five
 * years, every one distinct. Shared by the import and HTTP benchmarks, so both move the same data.
 */
const CATEGORIES = ['armed_clash', 'assassination', 'air_or_drone_strike', 'shelling_artillery_missile', 'abduction', 'arrest', 'statement'];
const DISTRICTS = [
  ['SY09', 'SY0901', 'دير الزور', 35.33, 40.14],
  ['SY09', 'SY0902', 'البوكمال', 34.45, 40.92],
  ['SY09', 'SY0903', 'الميادين', 35.02, 40.45],
  ['SY08', 'SY0800', 'الحسكة', 36.23, 40.73],
  ['SY11', 'SY1101', 'الرقة', 35.95, 39.01],
] as const;
const ACTORS = ['قوات سوريا الديمقراطية', 'تنظيم الدولة الإسلامية', 'قوات الحكومة السورية', 'عشيرة العكيدات', 'مجهولون', 'الدفاع الوطني'];
const OUTLETS = ['نورث برس', 'عنب بلدي', 'المرصد السوري لحقوق الإنسان', 'Deir ez-Zor 24', 'Syria Direct'];

/** One incident as an analyst's tool would send it: about 1 KB, Arabic as written, every row distinct. */
export function incidentBody(i: number) {
  const [admin1, admin2, name, latitude, longitude] = DISTRICTS[i % DISTRICTS.length]!;
  const day = new Date(Date.UTC(2016, 0, 1) + (i % 1800) * 86_400_000).toISOString().slice(0, 10);
  return {
    category: CATEGORIES[i % CATEGORIES.length],
    title: { text: `اشتباكات بين الطرفين في ريف ${name} (${i})`, language: 'ar' },
    summary: { text: `أفادت مصادر محلية بوقوع اشتباكات عنيفة في ريف ${name}، وسقوط قتلى وجرحى من الطرفين.`, language: 'ar' },
    translations: [{ language: 'en', title: `Clashes in the countryside of ${admin2} (${i})` }],
    occurred: { from: day, precision: 'day' },
    place: { name: `ريف ${name}`, countryCode: 'SY', admin1, admin2, latitude, longitude, precision: 'district' },
    actors: [
      { name: ACTORS[i % ACTORS.length], role: 'participant' },
      { name: ACTORS[(i + 1) % ACTORS.length], role: 'participant' },
    ],
    fatalities: { low: i % 5, best: (i % 5) + 1, high: (i % 5) + 3 },
    sources: [
      {
        outlet: OUTLETS[i % OUTLETS.length],
        url: `https://example.org/reports/${i}`,
        publishedOn: day,
        language: 'ar',
        access: 'relayed',
        reliability: 'B',
        credibility: 2,
      },
    ],
    tags: ['bench'],
    externalIds: { bench: String(i) },
  };
}
