/** Usage location: an ISO 3166-1 alpha-2 code, required before any license (docs/domain.md). */
const ISO_3166_ALPHA_2 =
  'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ ' +
  'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR ' +
  'GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP ' +
  'KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT ' +
  'MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW ' +
  'SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG ' +
  'UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW';

export const USAGE_LOCATION_CODES: readonly string[] = ISO_3166_ALPHA_2.split(' ');
const CODES = new Set(USAGE_LOCATION_CODES);
const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });

export function usageLocationName(code: string): string {
  return regionNames.of(code) ?? code;
}

/** Locations sorted by English name, for pickers. */
export const USAGE_LOCATIONS: readonly { code: string; name: string }[] = USAGE_LOCATION_CODES.map((code) => ({
  code,
  name: usageLocationName(code),
})).sort((a, b) => a.name.localeCompare(b.name, 'en'));

/** Accepts a code in any case ("nl", "NL"); returns the upper-case code or a message. */
export function normalizeUsageLocation(value: string): { ok: true; code: string } | { ok: false; message: string } {
  const code = value.trim().toUpperCase();
  if (CODES.has(code)) return { ok: true, code };
  const byName = USAGE_LOCATIONS.find((location) => location.name.toLowerCase() === value.trim().toLowerCase());
  if (byName) return { ok: true, code: byName.code };
  return { ok: false, message: `"${value}" is not a country code. Use a two-letter ISO 3166 code such as NL, US or DE.` };
}
