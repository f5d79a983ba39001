// Check characters against published values and against exhaustive error
// models: what each algorithm promises to catch, it catches.
#include <gtest/gtest.h>

#include <string>

#include "device/device_id_check.hpp"

namespace {

const std::string kAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

// A second MOD 37,36 written the other way round, as ISAN and GRid texts
// present it: start from M/2 = 18, double (0 read as 36) mod 37 before
// adding each character mod 36, and a valid string ends with 1.
int other_mod37_36(const std::string& s) {
    int check = 18;
    for (char c : s) {
        check = ((check == 0 ? 36 : check) * 2 % 37 + static_cast<int>(kAlphabet.find(c))) % 36;
    }
    return check;
}

int value(char c) { return static_cast<int>(kAlphabet.find(c)); }

// Values one apart (0 and 35 included) are the only pairs a hybrid
// MOD 37,36 can miss when swapped; see ExhaustiveAdjacentTranspositions.
bool neighbours(char a, char b) {
    int d = (value(a) - value(b) + 36) % 36;
    return d == 1 || d == 35;
}

}  // namespace

// Published examples: the IFPI GRid A1-2425G-ABC1234002-M (check M) and
// ISAN-style strings B159D8FA01240000K and 188166C7342000003.
TEST(Mod37_36, PublishedExamples) {
    EXPECT_EQ(device::mod37_36_check("A12425GABC1234002"), 'M');
    EXPECT_EQ(device::mod37_36_check("B159D8FA01240000"), 'K');
    EXPECT_EQ(device::mod37_36_check("188166C734200000"), '3');
    EXPECT_TRUE(device::mod37_36_valid("A12425GABC1234002M"));
    EXPECT_TRUE(device::mod37_36_valid("B159D8FA01240000K"));
    EXPECT_TRUE(device::mod37_36_valid("188166C7342000003"));
    EXPECT_FALSE(device::mod37_36_valid("A12425GABC1234002N"));
    // The GRid as printed, hyphens and all: separators do not count.
    EXPECT_EQ(device::mod37_36_check("A1-2425G-ABC1234002-"), 'M');
}

TEST(Mod37_36, AgreesWithASecondImplementation) {
    for (const std::string body : {"SN00000042", "FAC7000001", "A", "ZZZZZZZZ", "0", "SN99999999", "Q1W2E3R4T5Y6"}) {
        std::string id = body + device::mod37_36_check(body);
        EXPECT_EQ(other_mod37_36(id), 1) << id;
        EXPECT_TRUE(device::mod37_36_valid(id)) << id;
    }
}

TEST(Mod37_36, EverySingleSubstitutionIsCaught) {
    for (const std::string body : {"SN00000042", "FAC7000123", "A12425GABC1234002", "X"}) {
        std::string id = body + device::mod37_36_check(body);
        ASSERT_TRUE(device::mod37_36_valid(id));
        for (size_t i = 0; i < id.size(); ++i) {
            for (char c : kAlphabet) {
                if (c == id[i]) continue;
                std::string typo = id;
                typo[i] = c;
                EXPECT_FALSE(device::mod37_36_valid(typo)) << id << " -> " << typo;
            }
        }
    }
}

// Every adjacent transposition of these IDs (check character included) is
// caught, except pairs of neighbouring values, which the standard's hybrid
// systems miss in one state out of 36.
TEST(Mod37_36, AdjacentTranspositionsOfSampleIds) {
    int caught = 0;
    for (const std::string body : {"SN00000042", "FAC7000123", "A12425GABC1234002", "K9L8M7N6", "DEV2026XYZ"}) {
        std::string id = body + device::mod37_36_check(body);
        for (size_t i = 0; i + 1 < id.size(); ++i) {
            if (id[i] == id[i + 1]) continue;
            std::string swapped = id;
            std::swap(swapped[i], swapped[i + 1]);
            if (device::mod37_36_valid(swapped)) {
                EXPECT_TRUE(neighbours(id[i], id[i + 1])) << id << " -> " << swapped;
            } else {
                ++caught;
            }
        }
    }
    EXPECT_GT(caught, 40);
}

// All 36 running states (one per leading character), all ordered pairs of
// different characters: 72 of 45,360 swaps go unseen (0.16%), each a swap
// of two characters whose values are one apart.
TEST(Mod37_36, ExhaustiveAdjacentTranspositions) {
    int missed = 0;
    for (char lead : kAlphabet) {
        for (char a : kAlphabet) {
            for (char b : kAlphabet) {
                if (a == b) continue;
                std::string body{lead, a, b};
                std::string id = body + device::mod37_36_check(body);
                std::string swapped{lead, b, a, id.back()};
                if (device::mod37_36_valid(swapped)) {
                    ++missed;
                    EXPECT_TRUE(neighbours(a, b)) << id << " -> " << swapped;
                }
            }
        }
    }
    EXPECT_EQ(missed, 72);
}

// Published Luhn values: 79927398713 (the ISO/IEC 7812 worked example
// everyone quotes) and the 4111 1111 1111 1111 test card number.
TEST(Luhn, PublishedExamples) {
    EXPECT_EQ(device::luhn_check("7992739871"), '3');
    EXPECT_TRUE(device::luhn_valid("79927398713"));
    EXPECT_FALSE(device::luhn_valid("79927398710"));
    EXPECT_TRUE(device::luhn_valid("4111111111111111"));
    EXPECT_EQ(device::luhn_check("411111111111111"), '1');
    EXPECT_EQ(device::luhn_check("0"), '0');
    EXPECT_EQ(device::luhn_check("1"), '8');  // 1 doubled is 2, 2 + 8 = 10
    EXPECT_EQ(device::luhn_check("7992-7398-71"), '3');
}

TEST(Luhn, EverySingleDigitErrorIsCaught) {
    for (const std::string body : {"7992739871", "00000042", "123456789"}) {
        std::string id = body + device::luhn_check(body);
        ASSERT_TRUE(device::luhn_valid(id));
        for (size_t i = 0; i < id.size(); ++i) {
            for (char c = '0'; c <= '9'; ++c) {
                if (c == id[i]) continue;
                std::string typo = id;
                typo[i] = c;
                EXPECT_FALSE(device::luhn_valid(typo)) << typo;
            }
        }
    }
}

// Every swap of two different neighbouring digits is caught but 09 <-> 90.
TEST(Luhn, AdjacentTranspositionsBut09) {
    for (int n = 0; n < 1000; ++n) {
        std::string body = std::to_string(1000 + n).substr(1);
        std::string id = body + device::luhn_check(body);
        for (size_t i = 0; i + 1 < id.size(); ++i) {
            if (id[i] == id[i + 1]) continue;
            std::string swapped = id;
            std::swap(swapped[i], swapped[i + 1]);
            bool blind_spot = (id[i] == '0' && id[i + 1] == '9') || (id[i] == '9' && id[i + 1] == '0');
            EXPECT_EQ(device::luhn_valid(swapped), blind_spot) << id << " -> " << swapped;
        }
    }
}

TEST(CheckCharacters, RejectNonCheckCharacters) {
    EXPECT_FALSE(device::mod37_36_valid(""));
    EXPECT_FALSE(device::mod37_36_valid("A12425GABC1234002m"));
    EXPECT_FALSE(device::luhn_valid(""));
    EXPECT_FALSE(device::luhn_valid("7992739871X"));
}
