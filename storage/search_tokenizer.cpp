// The "kenes" FTS5 tokenizer (see search_tokenizer.h).
#include "storage/search_tokenizer.h"

#include <sqlite3.h>

#include <libstemmer.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <map>
#include <vector>
#include <mutex>

namespace kenes::storage {

namespace {

// Base letters of U+00C0..U+017F after diacritics are removed; '.' keeps the letter as it is.
constexpr const char* kLatinBase =
    "aaaaaa.ceeeeiiii"  // 00C0
    ".nooooo.ouuuuy.."  // 00D0
    "aaaaaa.ceeeeiiii"  // 00E0
    ".nooooo.ouuuuy.y"  // 00F0
    "aaaaaaccccccccdd"  // 0100
    "ddeeeeeeeeeegggg"  // 0110
    "gggghhhhiiiiiiii"  // 0120
    "ii..jjkk.lllllll"  // 0130
    "lllnnnnnnn..oooo"  // 0140
    "oo..rrrrrrssssss"  // 0150
    "ssttttttuuuuuuuu"  // 0160
    "uuuuwwyyyzzzzzzs";  // 0170

uint32_t decode(std::string_view s, size_t& i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    auto cont = [&](size_t k) -> uint32_t {
        return i + k < s.size() ? (static_cast<unsigned char>(s[i + k]) & 0x3F) : 0;
    };
    if (c < 0x80) {
        i += 1;
        return c;
    }
    if ((c >> 5) == 0x6 && i + 1 < s.size()) {
        uint32_t cp = ((c & 0x1F) << 6) | cont(1);
        i += 2;
        return cp;
    }
    if ((c >> 4) == 0xE && i + 2 < s.size()) {
        uint32_t cp = ((c & 0x0F) << 12) | (cont(1) << 6) | cont(2);
        i += 3;
        return cp;
    }
    if ((c >> 3) == 0x1E && i + 3 < s.size()) {
        uint32_t cp = ((c & 0x07) << 18) | (cont(1) << 12) | (cont(2) << 6) | cont(3);
        i += 4;
        return cp;
    }
    i += 1;
    return 0xFFFD;
}

void encode(uint32_t cp, std::string& out) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

// Snowball stemmers are not thread-safe; each thread keeps its own pair.
struct Stemmers {
    sb_stemmer* russian = sb_stemmer_new("russian", "UTF_8");
    sb_stemmer* english = sb_stemmer_new("english", "UTF_8");
    ~Stemmers() {
        if (russian) sb_stemmer_delete(russian);
        if (english) sb_stemmer_delete(english);
    }
};

Stemmers& stemmers() {
    thread_local Stemmers instance;
    return instance;
}

struct KenesTokenizer {
    fts5_tokenizer inner{};
    Fts5Tokenizer* innerInstance = nullptr;
};

struct TokenizeContext {
    void* ctx;
    int (*xToken)(void*, int, const char*, int, int, int);
    int flags;
};

int onToken(void* p, int tflags, const char* token, int nToken, int iStart, int iEnd) {
    auto* tc = static_cast<TokenizeContext*>(p);
    // Auxiliary functions (snippet, highlight) only need each token's place and byte range, which
    // folding and stemming do not change.
    if (tc->flags & FTS5_TOKENIZE_AUX) return tc->xToken(tc->ctx, tflags, token, nToken, iStart, iEnd);
    std::string folded = foldToken(std::string_view(token, static_cast<size_t>(nToken)));
    if (folded.empty()) return SQLITE_OK;
    const bool prefix = (tc->flags & FTS5_TOKENIZE_PREFIX) != 0;
    if (prefix) return tc->xToken(tc->ctx, tflags, folded.data(), static_cast<int>(folded.size()), iStart, iEnd);
    std::string stem = stemToken(folded);
    int rc = tc->xToken(tc->ctx, tflags, stem.data(), static_cast<int>(stem.size()), iStart, iEnd);
    if (rc == SQLITE_OK && (tc->flags & FTS5_TOKENIZE_DOCUMENT) && stem != folded)
        rc = tc->xToken(tc->ctx, tflags | FTS5_TOKEN_COLOCATED, folded.data(), static_cast<int>(folded.size()),
                        iStart, iEnd);
    return rc;
}

int kenesCreate(void* apiPtr, const char** /*azArg*/, int /*nArg*/, Fts5Tokenizer** ppOut) {
    auto* api = static_cast<fts5_api*>(apiPtr);
    auto* tok = new KenesTokenizer();
    void* userData = nullptr;
    int rc = api->xFindTokenizer(api, "unicode61", &userData, &tok->inner);
    if (rc == SQLITE_OK) {
        const char* args[] = {"remove_diacritics", "0", "categories", "L* N* Co Mn"};
        rc = tok->inner.xCreate(userData, args, 4, &tok->innerInstance);
    }
    if (rc != SQLITE_OK) {
        delete tok;
        return rc;
    }
    *ppOut = reinterpret_cast<Fts5Tokenizer*>(tok);
    return SQLITE_OK;
}

void kenesDelete(Fts5Tokenizer* p) {
    auto* tok = reinterpret_cast<KenesTokenizer*>(p);
    if (tok->innerInstance) tok->inner.xDelete(tok->innerInstance);
    delete tok;
}

int kenesTokenize(Fts5Tokenizer* p, void* ctx, int flags, const char* text, int nText,
                  int (*xToken)(void*, int, const char*, int, int, int)) {
    auto* tok = reinterpret_cast<KenesTokenizer*>(p);
    TokenizeContext tc{ctx, xToken, flags};
    return tok->inner.xTokenize(tok->innerInstance, &tc, flags, text, nText, onToken);
}

fts5_api* fts5Api(sqlite3* db) {
    fts5_api* api = nullptr;
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &stmt, nullptr) != SQLITE_OK) return nullptr;
    sqlite3_bind_pointer(stmt, 1, static_cast<void*>(&api), "fts5_api_ptr", nullptr);
    sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    return api;
}

// kenes_bm25(table, 'table name'): Okapi BM25 (k1 1.2, b 0.75; column weights title 5, body 1,
// extra 2; lower is better, like FTS5's bm25()). FTS5's own bm25() looks up each matching row's
// column sizes in the %_docsize table, which costs a b-tree seek per row; this one keeps the sizes
// of every row in memory per connection (read from the same %_docsize table, reloaded whenever
// PRAGMA data_version says another connection wrote), so ranking tens of thousands of matches
// costs a few milliseconds.
struct DocSizes {
    int64_t dataVersion = -1;
    std::vector<std::array<uint32_t, 3>> sizes;  // indexed by rowid
};

struct ConnectionState {
    sqlite3* db = nullptr;
    std::map<std::string, DocSizes, std::less<>> tables;
};

int64_t dataVersion(sqlite3* db) {
    sqlite3_stmt* stmt = nullptr;
    int64_t v = -1;
    if (sqlite3_prepare_v2(db, "PRAGMA data_version", -1, &stmt, nullptr) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW)
        v = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    return v;
}

void loadSizes(sqlite3* db, const std::string& table, DocSizes& out) {
    out.sizes.clear();
    const std::string sql = "SELECT id, sz FROM \"" + table + "_docsize\"";
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) return;
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        const int64_t id = sqlite3_column_int64(stmt, 0);
        if (id < 0 || id > (int64_t{1} << 31)) continue;
        const auto* p = static_cast<const unsigned char*>(sqlite3_column_blob(stmt, 1));
        const int n = sqlite3_column_bytes(stmt, 1);
        std::array<uint32_t, 3> cols{0, 0, 0};
        int at = 0;
        for (int c = 0; c < 3 && at < n; ++c) {  // FTS5 varints (SQLite 4-style, big-endian 7-bit groups)
            uint32_t v = 0;
            for (int k = 0; k < 5 && at < n; ++k) {
                const unsigned char b = p[at++];
                v = (v << 7) | (b & 0x7F);
                if (!(b & 0x80)) break;
            }
            cols[c] = v;
        }
        if (static_cast<size_t>(id) >= out.sizes.size()) out.sizes.resize(static_cast<size_t>(id) + 1024);
        out.sizes[static_cast<size_t>(id)] = cols;
    }
    sqlite3_finalize(stmt);
}

struct QueryStats {
    std::vector<double> idf;  // per phrase
    double avg[3] = {1, 1, 1};
    DocSizes* sizes = nullptr;
};

void kenesBm25(const Fts5ExtensionApi* api, Fts5Context* ctx, sqlite3_context* out, int argc, sqlite3_value** argv) {
    static const double kWeights[] = {5.0, 1.0, 2.0};
    constexpr double k1 = 1.2, b = 0.75;
    auto* state = static_cast<ConnectionState*>(api->xUserData(ctx));
    auto* stats = static_cast<QueryStats*>(api->xGetAuxdata(ctx, 0));
    if (!stats) {
        // First row of this query: document frequencies, averages, and fresh sizes.
        stats = new QueryStats();
        const char* name = argc > 0 ? reinterpret_cast<const char*>(sqlite3_value_text(argv[0])) : nullptr;
        if (name && state) {
            DocSizes& sizes = state->tables[name];
            const int64_t version = dataVersion(state->db);
            if (version != sizes.dataVersion || sizes.sizes.empty()) {
                loadSizes(state->db, name, sizes);
                sizes.dataVersion = version;
            }
            stats->sizes = &sizes;
        }
        sqlite3_int64 rows = 0;
        api->xRowCount(ctx, &rows);
        for (int c = 0; c < 3 && c < api->xColumnCount(ctx); ++c) {
            sqlite3_int64 total = 0;
            api->xColumnTotalSize(ctx, c, &total);
            stats->avg[c] = rows > 0 ? std::max(1.0, static_cast<double>(total) / static_cast<double>(rows)) : 1.0;
        }
        const int phrases = api->xPhraseCount(ctx);
        for (int i = 0; i < phrases; ++i) {
            sqlite3_int64 hits = 0;
            api->xQueryPhrase(ctx, i, &hits, [](const Fts5ExtensionApi*, Fts5Context*, void* p) {
                ++*static_cast<sqlite3_int64*>(p);
                return SQLITE_OK;
            });
            double idf = std::log((static_cast<double>(rows) - static_cast<double>(hits) + 0.5) /
                                  (static_cast<double>(hits) + 0.5));
            stats->idf.push_back(std::max(idf, 1e-6));
        }
        api->xSetAuxdata(ctx, stats, [](void* p) { delete static_cast<QueryStats*>(p); });
    }
    const sqlite3_int64 rowid = api->xRowid(ctx);
    std::array<uint32_t, 3> len{0, 0, 0};
    if (stats->sizes && rowid >= 0 && static_cast<size_t>(rowid) < stats->sizes->sizes.size())
        len = stats->sizes->sizes[static_cast<size_t>(rowid)];
    // Hit counts per phrase and column.
    int count = 0;
    api->xInstCount(ctx, &count);
    thread_local std::vector<std::array<int, 3>> freq;
    freq.assign(stats->idf.size(), {0, 0, 0});
    for (int i = 0; i < count; ++i) {
        int phrase = 0, column = 0, offset = 0;
        if (api->xInst(ctx, i, &phrase, &column, &offset) != SQLITE_OK) break;
        if (phrase >= 0 && static_cast<size_t>(phrase) < freq.size() && column >= 0 && column < 3)
            ++freq[static_cast<size_t>(phrase)][static_cast<size_t>(column)];
    }
    double score = 0;
    for (size_t p = 0; p < freq.size(); ++p) {
        double weighted = 0;
        for (int c = 0; c < 3; ++c) {
            if (!freq[p][c]) continue;
            const double norm = 1 - b + b * (len[c] ? len[c] : stats->avg[c]) / stats->avg[c];
            weighted += kWeights[c] * freq[p][c] / norm;
        }
        score += stats->idf[p] * weighted * (k1 + 1) / (weighted + k1);
    }
    sqlite3_result_double(out, -score);
}

int autoEntry(sqlite3* db, const char** /*errMsg*/, const sqlite3_api_routines* /*api*/) {
    registerSearchTokenizer(db);
    return SQLITE_OK;
}

}  // namespace

std::string foldToken(std::string_view token) {
    std::string out;
    out.reserve(token.size());
    size_t i = 0;
    uint32_t previous = 0;
    while (i < token.size()) {
        uint32_t cp = decode(token, i);
        if (cp >= 'A' && cp <= 'Z') cp += 32;
        if (cp >= 0x0300 && cp <= 0x036F) {
            // A decomposed й (и + breve) is still й; every other combining mark is dropped.
            if (cp == 0x0306 && previous == 0x0438 && out.size() >= 2) {
                out.resize(out.size() - 2);
                encode(0x0439, out);
                previous = 0x0439;
            }
            continue;
        }
        if (cp >= 0x0410 && cp <= 0x042F) cp += 0x20;               // А..Я (unicode61 folds already)
        if (cp == 0x0401 || cp == 0x0451) cp = 0x0435;              // Ё ё → е
        if (cp >= 0x00C0 && cp <= 0x017F) {
            char base = kLatinBase[cp - 0x00C0];
            if (base != '.') cp = static_cast<unsigned char>(base);
        } else if (cp >= 0x0218 && cp <= 0x021B) {
            cp = cp < 0x021A ? 's' : 't';
        }
        encode(cp, out);
        previous = cp;
    }
    return out;
}

std::string stemToken(std::string_view folded) {
    if (folded.empty() || folded.size() > 96) return std::string(folded);
    bool cyrillic = false, latin = false;
    for (size_t i = 0; i < folded.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(folded[i]);
        if (c == 0xD0 || c == 0xD1) cyrillic = true;
        else if (c >= 'a' && c <= 'z') latin = true;
    }
    sb_stemmer* stemmer = cyrillic ? stemmers().russian : latin ? stemmers().english : nullptr;
    if (!stemmer || (cyrillic && latin)) return std::string(folded);
    const sb_symbol* stem =
        sb_stemmer_stem(stemmer, reinterpret_cast<const sb_symbol*>(folded.data()), static_cast<int>(folded.size()));
    if (!stem) return std::string(folded);
    return std::string(reinterpret_cast<const char*>(stem), static_cast<size_t>(sb_stemmer_length(stemmer)));
}

bool registerSearchTokenizer(sqlite3* db) {
    fts5_api* api = fts5Api(db);
    if (!api || api->iVersion < 2) return false;
    void* userData = nullptr;
    fts5_tokenizer existing{};
    if (api->xFindTokenizer(api, "kenes", &userData, &existing) == SQLITE_OK) return true;
    fts5_tokenizer tokenizer{kenesCreate, kenesDelete, kenesTokenize};
    if (api->xCreateTokenizer(api, "kenes", api, &tokenizer, nullptr) != SQLITE_OK) return false;
    auto* state = new ConnectionState();
    state->db = db;
    return api->xCreateFunction(api, "kenes_bm25", state, kenesBm25,
                                [](void* p) { delete static_cast<ConnectionState*>(p); }) == SQLITE_OK;
}

void registerSearchTokenizerForNewConnections() {
    static std::once_flag once;
    std::call_once(once, [] {
        sqlite3_auto_extension(reinterpret_cast<void (*)(void)>(autoEntry));
    });
}

}  // namespace kenes::storage
