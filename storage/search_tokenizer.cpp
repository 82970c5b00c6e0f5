// The "kenes" FTS5 tokenizer (see search_tokenizer.h).
#include "storage/search_tokenizer.h"

#include "storage/search_rank.h"

#include <sqlite3.h>

#include <libstemmer.h>

#include <cstring>
#include <mutex>
#include <unordered_map>

namespace kenes::storage {

namespace {

// Base letters of U+00C0..U+017F after diacritics are removed; '.' keeps the letter as it is.
constexpr const char* kLatinBase =
    "aaaaaa.ceeeeiiii"   // 00C0
    ".nooooo.ouuuuy.."   // 00D0
    "aaaaaa.ceeeeiiii"   // 00E0
    ".nooooo.ouuuuy.y"   // 00F0
    "aaaaaaccccccccdd"   // 0100
    "ddeeeeeeeeeegggg"   // 0110
    "gggghhhhiiiiiiii"   // 0120
    "ii..jjkk.lllllll"   // 0130
    "lllnnnnnnn..oooo"   // 0140
    "oo..rrrrrrssssss"   // 0150
    "ssttttttuuuuuuuu"   // 0160
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

// Folds `token` into `out` (cleared first).
void foldInto(std::string_view token, std::string& out);

// The stem of `folded` (the bytes of a thread-local buffer or of `folded` itself, valid until the
// next call on this thread). Stems are cached per thread: the words of a collection repeat, and
// the Snowball stemmers are the costly part of tokenizing.
std::string_view stemView(std::string_view folded);

int onToken(void* p, int tflags, const char* token, int nToken, int iStart, int iEnd) {
    auto* tc = static_cast<TokenizeContext*>(p);
    // Auxiliary functions (snippet, highlight) only need each token's place and byte range, which
    // folding and stemming do not change.
    if (tc->flags & FTS5_TOKENIZE_AUX) return tc->xToken(tc->ctx, tflags, token, nToken, iStart, iEnd);
    thread_local std::string folded;
    foldInto(std::string_view(token, static_cast<size_t>(nToken)), folded);
    if (folded.empty()) return SQLITE_OK;
    const bool prefix = (tc->flags & FTS5_TOKENIZE_PREFIX) != 0;
    if (prefix)
        return tc->xToken(tc->ctx, tflags, folded.data(), static_cast<int>(folded.size()), iStart, iEnd);
    const std::string_view stem = stemView(folded);
    int rc = tc->xToken(tc->ctx, tflags, stem.data(), static_cast<int>(stem.size()), iStart, iEnd);
    if (rc == SQLITE_OK && (tc->flags & FTS5_TOKENIZE_DOCUMENT) && stem != std::string_view(folded))
        rc = tc->xToken(tc->ctx, tflags | FTS5_TOKEN_COLOCATED, folded.data(),
                        static_cast<int>(folded.size()), iStart, iEnd);
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

int autoEntry(sqlite3* db, const char** /*errMsg*/, const sqlite3_api_routines* /*api*/) {
    registerSearchTokenizer(db);
    return SQLITE_OK;
}

}  // namespace

namespace {

void foldInto(std::string_view token, std::string& out) {
    out.clear();
    // Plain ASCII (most Latin words, numbers): only upper case to fold.
    bool ascii = true;
    for (char c : token)
        if (static_cast<unsigned char>(c) >= 0x80) {
            ascii = false;
            break;
        }
    if (ascii) {
        out.assign(token);
        for (char& c : out)
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
        return;
    }
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
        if (cp >= 0x0410 && cp <= 0x042F) cp += 0x20;   // А..Я (unicode61 folds already)
        if (cp == 0x0401 || cp == 0x0451) cp = 0x0435;  // Ё ё → е
        if (cp >= 0x00C0 && cp <= 0x017F) {
            char base = kLatinBase[cp - 0x00C0];
            if (base != '.') cp = static_cast<unsigned char>(base);
        } else if (cp >= 0x0218 && cp <= 0x021B) {
            cp = cp < 0x021A ? 's' : 't';
        }
        encode(cp, out);
        previous = cp;
    }
}

// Runs the stemmer the folded word's script calls for; the word itself when there is none.
std::string_view stemUncached(std::string_view folded) {
    if (folded.empty() || folded.size() > 96) return folded;
    bool cyrillic = false, latin = false;
    for (size_t i = 0; i < folded.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(folded[i]);
        if (c == 0xD0 || c == 0xD1)
            cyrillic = true;
        else if (c >= 'a' && c <= 'z')
            latin = true;
    }
    sb_stemmer* stemmer = cyrillic ? stemmers().russian : latin ? stemmers().english : nullptr;
    if (!stemmer || (cyrillic && latin)) return folded;
    const sb_symbol* stem = sb_stemmer_stem(stemmer, reinterpret_cast<const sb_symbol*>(folded.data()),
                                            static_cast<int>(folded.size()));
    if (!stem) return folded;
    return {reinterpret_cast<const char*>(stem), static_cast<size_t>(sb_stemmer_length(stemmer))};
}

std::string_view stemView(std::string_view folded) {
    // Bounded: dropped whole when full (a collection's vocabulary mostly fits).
    constexpr size_t kMaxCachedStems = 65536;
    struct Hash {
        using is_transparent = void;
        size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    thread_local std::unordered_map<std::string, std::string, Hash, std::equal_to<>> cache;
    if (auto it = cache.find(folded); it != cache.end()) return it->second;
    const std::string_view stem = stemUncached(folded);
    if (cache.size() >= kMaxCachedStems) cache.clear();
    return cache.emplace(std::string(folded), std::string(stem)).first->second;
}

}  // namespace

std::string foldToken(std::string_view token) {
    std::string out;
    foldInto(token, out);
    return out;
}

std::string stemToken(std::string_view folded) {
    return std::string(stemView(folded));
}

bool registerSearchTokenizer(sqlite3* db) {
    fts5_api* api = fts5Api(db);
    if (!api || api->iVersion < 2) return false;
    void* userData = nullptr;
    fts5_tokenizer existing{};
    if (api->xFindTokenizer(api, "kenes", &userData, &existing) == SQLITE_OK) return true;
    fts5_tokenizer tokenizer{kenesCreate, kenesDelete, kenesTokenize};
    if (api->xCreateTokenizer(api, "kenes", api, &tokenizer, nullptr) != SQLITE_OK) return false;
    return registerSearchRanking(api, db);
}

void registerSearchTokenizerForNewConnections() {
    static std::once_flag once;
    std::call_once(once, [] { sqlite3_auto_extension(reinterpret_cast<void (*)(void)>(autoEntry)); });
}

}  // namespace kenes::storage
