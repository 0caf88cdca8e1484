# Kata-kata pemutar dalam Bahasa Indonesia. Setiap id pesan diterjemahkan dari en.ftl.
# Bahasa Indonesia tidak membedakan bentuk jamak, jadi setiap jumlah memakai [other].

## Bahasa
language-name = Bahasa Indonesia

## Memuat dan kesalahan
loading = Memuat modul…
error-title = Modul tidak dapat dibuka
error-intro = Masalah berikut ditemukan:
error-help = Perbaiki setiap masalah di berkas yang disebut, lalu muat ulang halaman ini.
crash = Terjadi kesalahan pada pemutar. Catatan belajar Anda sudah tersimpan; muat ulang halaman untuk melanjutkan.
chunk-loading = Memuat bagian pemutar ini…
chunk-failed = Bagian pemutar ini tidak dapat diunduh. Jawaban Anda tetap tersimpan; periksa koneksi, lalu coba lagi.
chunk-retry = Coba lagi

## Navigasi
previous = Sebelumnya
next = Berikutnya
finish = Selesai
pages = Navigasi halaman
page-of = Halaman { $page } dari { $count }
unanswered = { $n ->
   *[other] { $n } pertanyaan belum dijawab; pertanyaan itu mendapat 0 poin.
}

## Pertanyaan
check-answer = Periksa jawaban
true = Benar
false = Salah
correct = Jawaban Anda benar.
incorrect = Jawaban Anda belum tepat.
choose-one = Pilih satu jawaban.
choose-all = Pilih semua jawaban yang sesuai.
you-chose = Anda memilih “{ $choice }”:{" "}
correct-choice = jawaban yang benar
answered = terjawab
not-answered = belum dijawab
question-status = { $status } ({ $points }/{ $max } poin)
order-hint = Susun butir-butir ini dengan tombol Naikkan dan Turunkan.
move-up = Naikkan: { $item }
move-down = Turunkan: { $item }
moved-to = “{ $item }” sekarang di urutan { $position } dari { $count }.
correct-order = Urutan yang benar:
match-hint = Untuk setiap butir, pilih pasangannya.
choose-match = Pilih…
correct-match = Pasangan yang benar: { $target }
hotspot-hint = Pilih bagian gambar yang tepat.
fill-in-hint = Ketik kata yang hilang.
blank-n = Isian { $n } dari { $count }
accepted-answers = Jawaban yang diterima: { $answers }
long-answer-hint = Tulis jawaban dengan kata-kata Anda sendiri.
characters = { $count } dari { $max } karakter
number-hint = Ketik angka, misalnya 3,5 atau 3.5.
not-a-number = Itu belum angka: ketik angka, dengan koma atau titik untuk desimal.
right-number = Jawaban yang benar: { $answer }
right-range = Jawaban yang benar: dari { $min } sampai { $max }
right-at-least = Jawaban yang benar: { $min } atau lebih
right-at-most = Jawaban yang benar: { $max } atau kurang
performance-hint = Isi setiap kolom, lalu periksa jawaban Anda.
step-right = Benar
step-wrong = Salah
steps-right = { $right } dari { $count } langkah benar.
likert-hint = Pilih titik skala yang sesuai dengan pendapat Anda; tidak ada jawaban yang salah.
recorded = Terima kasih, jawaban Anda tercatat.
hint = Petunjuk
explanation = Penjelasan:
partly-correct = Sebagian benar: { $points } dari { $max } poin.
correct-area = bagian yang tepat

## Blok isi
note-info = Catatan
note-warning = Peringatan
note-tip = Tips
transcript = Transkrip

## Kartu belajar
flashcards = Kartu belajar
flip-to-back = Balik kartu
flip-to-front = Kembalikan
card-of = Kartu { $n } dari { $count }

## Hasil
result-title = Hasil Anda
passed = Lulus
failed = Belum lulus
retry = Coba lagi
retry-wrong = Ulangi yang belum benar
attempt-of = Percobaan { $n } dari { $max }
no-attempts-left = { $max ->
    [one] Modul ini hanya mengizinkan satu percobaan.
   *[other] Anda sudah memakai semua { $max } percobaan.
}
score-line = Skor Anda { $raw } dari { $max } poin ({ $percent }%).
mastery-line = Nilai minimal untuk lulus: { $percent }%.
return-to-course = Kembali ke kursus
return-when-saved = Menyimpan hasil Anda ke LMS… tombol kembali muncul setelah semuanya tersimpan.
close-window = Hasil Anda tersimpan di LMS. Anda dapat menutup jendela ini.

## Di LMS: yang diberitahukan kepada peserta ketika LMS gagal atau berkata lain
lms-stop-title = Kursus tidak dapat dimulai
lms-refused = LMS Anda tidak mengizinkan kursus ini dimulai. Buka lagi kursus ini dari LMS Anda.
lms-unreachable = LMS Anda tidak dapat dihubungi, jadi kursus ini tidak dapat dimulai. Periksa koneksi internet Anda, lalu buka lagi kursus ini dari LMS Anda.
lms-link-used = Tautan kursus ini hanya berlaku sekali dan sudah dipakai di perangkat ini. Buka lagi kursus ini dari LMS Anda.
lms-detail = Jawaban LMS: { $detail }
session-ended-title = Kunjungan ke kursus ini sudah berakhir
session-ended = Jawaban Anda sejauh ini tetap tersimpan. Untuk melanjutkan, buka lagi kursus ini dari LMS Anda.
browse-note = Anda menjelajahi modul dalam mode jelajah: tidak ada yang dinilai atau dicatat. Umpan balik jawaban ditampilkan di bawah.
review-note = Anda meninjau kembali modul dalam mode tinjau: tidak ada yang dinilai atau dicatat. Umpan balik jawaban ditampilkan di bawah.
scorm-no-api = LMS tidak mencatat percobaan ini: tidak ada sambungan ke LMS (kursus dibuka di luar LMS-nya). Jawaban Anda hanya tersimpan di perangkat ini. Buka kursus dari LMS Anda agar tercatat.
scorm-start-failed = LMS tidak mulai mencatat percobaan ini. Buka lagi kursus ini dari LMS Anda; jika pesan ini muncul lagi, beri tahu pengelola kursus Anda.
scorm-answers-not-saved = Jawaban terakhir Anda belum tersimpan di LMS. Jawaban itu disimpan di perangkat ini dan dikirim lagi pada langkah Anda berikutnya atau saat Anda keluar. Jika pesan ini tetap ada, beri tahu pengelola kursus Anda.
scorm-result-not-saved = Hasil Anda belum tersimpan di LMS. Hasil itu disimpan di perangkat ini di jendela ini dan dikirim lagi setiap 30 detik: biarkan jendela ini terbuka sampai pesan ini hilang. Jika tetap ada, beri tahu pengelola kursus Anda.
scorm-error-detail = Galat LMS { $code }: { $text }

## Melanjutkan
resume-title = Lanjutkan dari terakhir kali?
resume-continue = Lanjutkan
resume-start-over = Mulai dari awal
answered-so-far = { $n ->
   *[other] { $n } pertanyaan sudah dijawab
}
saved-at = Disimpan { $when }

## Catatan belajar dan sinkronisasi
record-title = Catatan belajar
record-empty = Belum ada catatan.
queued = menunggu dikirim
sending = sedang dikirim
sent = terkirim
rejected = ditolak LRS
rejected-because = ditolak LRS ({ $status }: { $reason })
rejected-here = tidak dikirim: pernyataan tidak sah ({ $reason })
rejected-count = { $n ->
   *[other] { $n } catatan ditolak LRS
}
local = disimpan di peramban
no-lrs = Tidak ada LRS yang diatur: pernyataan xAPI disimpan di peramban ini dan ditampilkan di sini persis seperti akan dikirim.
to-lrs = Pernyataan dikirim ke
kept-here = Catatan belajar disimpan di perangkat ini (tanpa LRS)
all-saved = Semua tersimpan
records-waiting = { $n ->
   *[other] { $n } catatan menunggu sinkronisasi
}
pending-count = { $n ->
   *[other] { $n } menunggu dikirim
}
sending-paused = Pengiriman dijeda: LRS menolak kredensial ({ $status }).
paused-help = Catatan Anda aman di perangkat ini; minta pengelola kursus memeriksa akses LRS.
try-again = Coba lagi
storage-problem = Masalah penyimpanan

## Pengaturan
language = Bahasa

## Laporan (?view=report): analitik modul untuk tim konten
report-title = Laporan modul
report-intro = Apa yang dilakukan peserta di modul ini, dari pernyataan di LRS.
report-reading = Membaca pernyataan dari LRS
report-progress = { $n ->
   *[other] { $n } pernyataan dibaca, kueri { $query } dari { $queries }
}
report-empty = LRS belum memiliki pernyataan tentang modul ini (pada periode ini). Setelah peserta mengikuti modul, hasilnya tampil di sini.
report-no-lrs = Belum ada LRS: buka laporan dengan endpoint= dan auth= di alamat, atau taruh keduanya di launch.json di samping modul.
report-error-auth = LRS menolak kredensial (HTTP { $status }). Periksa auth= di alamat atau launch.json.
report-error-status = LRS menjawab { $url } dengan HTTP { $status } { $reason }.
report-error-network = LRS tidak dapat dihubungi ({ $url }): { $reason }
report-error-answer = Jawaban LRS tidak dapat dibaca ({ $url }): { $reason }
report-as-of = { $n ->
   *[other] Angka dari ringkasan modul per { $time }, ditambah { $n } pernyataan yang disimpan sesudahnya.
}
report-competencies-sample = Kompetensi dari sampel { $sample } peserta, peserta yang sama di setiap modul: jumlah diperkirakan dari sampel itu (selisih sekitar { $error }% pada sembilan belas dari dua puluh kali), persentase benar adalah milik sampel.
report-sample = { $attempts ->
   *[other] Daya beda dan indeks kelompok atas–bawah dihitung dari sampel acak seragam { $sample } dari { $attempts } percobaan; jumlah peserta adalah perkiraan (selisih sekitar 3%).
}
report-retry = Coba lagi
report-period = Periode
report-since = Dari
report-until = Sampai
report-apply = Tampilkan
report-overview = Ringkasan
report-attempts = Percobaan
report-learners = Peserta
report-completions = Selesai
report-pass-rate = Tingkat kelulusan
report-median-time = Median waktu penyelesaian
report-statements-used = Pernyataan
report-none = data belum cukup
report-over-time = Dari waktu ke waktu
report-attempts-per-day = Percobaan per hari
report-day = Hari (UTC)
report-scores = Sebaran skor
report-score-range = Skor
report-score-bin = { $from }–{ $to }%
report-questions = Pertanyaan
report-questions-help = Bagian benar: makin tinggi makin mudah. Daya beda: seberapa baik pertanyaan membedakan peserta yang secara keseluruhan baik dari yang tidak (korelasi pertanyaan dengan sisa skor; di bawah 0,2 perlu ditinjau).
report-question = Pertanyaan
report-answered = Dijawab
report-share-correct = Bagian benar
report-discrimination = Daya beda
report-upper-lower = Indeks kelompok atas–bawah 27%
report-median-answer = Median waktu menjawab
report-responses-of = Jawaban: { $question }
report-response = Jawaban
report-correct-mark = (benar)
report-flag-nobody = tidak ada yang memilih
report-flag-strong = sebagian besar peserta terbaik memilihnya
report-download-csv = Unduh tabel pertanyaan (CSV)
report-pages = Halaman
report-funnel = Percobaan yang mencapai tiap halaman
report-page = Halaman
report-views = Dilihat
report-reached = Percobaan yang mencapainya
report-drop-off = Berhenti
report-competencies = Kompetensi
report-competencies-help = Dari semua modul yang menandai kompetensi itu. Menguasai: paling sedikit bagian poin sebesar skor kelulusan pada pertanyaannya, dari jawaban terakhir tiap peserta.
report-competency = Kompetensi
report-mastered = Menguasai
report-weakest = Pertanyaan terlemah
report-true = Benar
report-false = Salah
report-seconds = { $s } dtk
report-minutes = { $m } mnt { $s } dtk

## The pre-rendered first page, before the player has started
not-ready = Pemutar masih dimuat karena koneksi lambat. Jawaban Anda tetap tersimpan, dan yang Anda klik akan dijalankan begitu pemutar siap.

## An LRS without a State API (the saved attempt stays on this device)
record-no-state-api = LRS ini tidak menyimpan percobaan yang belum selesai (tidak memiliki State API), jadi kemajuan Anda di modul ini hanya disimpan di perangkat ini: Anda dapat melanjutkannya di sini, tetapi tidak di perangkat lain. Pernyataan Anda tetap dikirim.
